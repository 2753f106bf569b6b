package dev.keel.store.sql;

import dev.keel.core.data.DatasetStore;
import dev.keel.core.data.DatasetStores;
import dev.keel.testing.TestPostgres;
import org.junit.jupiter.api.Assertions;

class PostgresDatasetStoreContractTest extends DatasetStoreContractTest {
    @Override
    protected DatasetStore newStore() {
        DatasetStore store = DatasetStores.open(TestPostgres.freshStoreUrl());
        Assertions.assertInstanceOf(SqlDatasetStore.class, store);
        return store;
    }
}
