package dev.keel.store.sql;

import dev.keel.testing.TestPostgres;

class PostgresAccessStoreTest extends AccessStoreContractTest {
    @Override
    protected String newLocation() {
        return TestPostgres.freshStoreUrl();
    }
}
