package io.edgecert.events;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** How a subscription is told: by email, or by a webhook POST over HTTPS or plain HTTP. */
public enum Protocol {
    EMAIL("email"),
    HTTPS("https"),
    HTTP("http");

    private final String wireName;

    Protocol(String wireName) {
        this.wireName = wireName;
    }

    /** The name the API uses, which is also the URL scheme for webhooks. */
    @JsonValue
    public String wireName() {
        return wireName;
    }

    public boolean isWebhook() {
        return this != EMAIL;
    }

    public static Optional<Protocol> parse(String s) {
        if (s == null) {
            return Optional.empty();
        }
        String lower = s.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(p -> p.wireName.equals(lower)).findFirst();
    }

    static String names() {
        return Arrays.stream(values()).map(Protocol::wireName).collect(Collectors.joining(", "));
    }
}
