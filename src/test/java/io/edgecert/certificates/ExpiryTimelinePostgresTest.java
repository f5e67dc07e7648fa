package io.edgecert.certificates;

import io.edgecert.store.Database;
import io.edgecert.testing.TestPostgres;

import java.nio.file.Path;
import java.util.Optional;

class ExpiryTimelinePostgresTest extends ExpiryTimelineContract {
    private TestPostgres.Db postgres;

    @Override
    Database open(Path dir) {
        postgres = TestPostgres.createDatabase();
        return Database.open(Optional.of(postgres.url()), Optional.of("postgres"), Optional.empty(), dir);
    }

    @Override
    void dropDatabase() {
        postgres.drop();
    }
}
