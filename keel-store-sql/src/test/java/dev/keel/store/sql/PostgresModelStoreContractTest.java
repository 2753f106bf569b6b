package dev.keel.store.sql;

import dev.keel.core.store.Store;
import dev.keel.testing.TestPostgres;

class PostgresModelStoreContractTest extends ModelStoreContractTest {
    private String url;

    @Override
    protected Store newStore() {
        url = TestPostgres.freshStoreUrl();
        return new PostgresStore(url);
    }
}
