package io.edgecert.certificates;

import io.edgecert.store.Database;

import java.nio.file.Path;
import java.util.Optional;

class ExpiryTimelineH2Test extends ExpiryTimelineContract {
    @Override
    Database open(Path dir) {
        return Database.open(Optional.empty(), Optional.empty(), Optional.empty(), dir);
    }

    @Override
    void dropDatabase() {
    }
}
