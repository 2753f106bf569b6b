package dev.keel.store.sql;

class PostgresAccessStoreTest extends AccessStoreContractTest {
    @Override
    protected String newLocation() {
        return TestPostgres.freshStoreUrl();
    }
}
