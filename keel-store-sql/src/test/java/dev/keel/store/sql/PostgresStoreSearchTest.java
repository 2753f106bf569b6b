package dev.keel.store.sql;

import dev.keel.core.store.Store;

class PostgresStoreSearchTest extends StoreSearchContractTest {
    @Override
    protected Store newStore() {
        return new PostgresStore(TestPostgres.freshStoreUrl());
    }
}
