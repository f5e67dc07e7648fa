package io.edgecert.events;

class DeliveryH2Test extends DeliveryContract {
    @Override
    NotificationsFixture.Store store() {
        return NotificationsFixture.Store.H2;
    }
}
