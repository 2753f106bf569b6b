package dev.keel.store.sql;

import dev.keel.core.store.Store;
import dev.keel.testing.TestPostgres;

class PostgresStoreSearchTest extends StoreSearchContractTest {
    @Override
    protected Store newStore() {
        return new PostgresStore(TestPostgres.freshStoreUrl());
    }
}
