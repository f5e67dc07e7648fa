package io.edgecert.events;

class ExpiryPostgresTest extends ExpiryContract {
    @Override
    NotificationsFixture.Store store() {
        return NotificationsFixture.Store.POSTGRESQL;
    }
}
