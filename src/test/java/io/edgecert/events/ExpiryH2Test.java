package io.edgecert.events;

class ExpiryH2Test extends ExpiryContract {
    @Override
    NotificationsFixture.Store store() {
        return NotificationsFixture.Store.H2;
    }
}
