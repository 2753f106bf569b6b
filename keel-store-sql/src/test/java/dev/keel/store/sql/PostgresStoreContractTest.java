package dev.keel.store.sql;

import dev.keel.core.store.Store;
import dev.keel.testing.TestPostgres;

class PostgresStoreContractTest extends StoreContractTest {
    @Override
    protected Store newStore() {
        return new PostgresStore(TestPostgres.freshStoreUrl());
    }
}
