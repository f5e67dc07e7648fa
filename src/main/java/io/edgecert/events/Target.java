package io.edgecert.events;

import java.util.Optional;

/** Where a message goes: a subscription's endpoint, with its decrypted signing secret for webhooks. */
record Target(String subscriptionId, Protocol protocol, String endpoint, Optional<String> signingSecret) {
    @Override
    public String toString() {
        return "Target[" + subscriptionId + ", " + protocol.wireName() + ", endpoint and secret redacted]";
    }
}
