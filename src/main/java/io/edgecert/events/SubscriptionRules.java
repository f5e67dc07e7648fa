package io.edgecert.events;

import io.edgecert.problems.ErrorCode;
import io.edgecert.problems.ProblemException;
import io.edgecert.problems.Violation;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks a new subscription and reports every problem at once, each naming its field. Endpoints
 * are checked for shape only: whether they answer is what the test message is for.
 */
final class SubscriptionRules {
    static final int MAX_URL = 2048;
    /** RFC 5321: a forward path is at most 256 octets including the angle brackets. */
    static final int MAX_EMAIL = 254;
    static final int MAX_NAME = 128;

    private SubscriptionRules() {
    }

    record Checked(Protocol protocol, String endpoint, Optional<List<EventType>> eventTypes, Optional<String> name) {
    }

    static Checked check(Subscriptions.NewSubscription r, boolean emailEnabled) {
        List<Violation> violations = new ArrayList<>();
        Optional<Protocol> protocol = Optional.empty();
        if (r.protocol() == null || r.protocol().isBlank()) {
            violations.add(new Violation("protocol", ErrorCode.MissingField, "protocol is required: one of " + Protocol.names()));
        } else {
            protocol = Protocol.parse(r.protocol());
            if (protocol.isEmpty()) {
                violations.add(new Violation("protocol", ErrorCode.InvalidRequest, "protocol must be one of " + Protocol.names()));
            } else if (protocol.get() == Protocol.EMAIL && !emailEnabled) {
                violations.add(new Violation("protocol", ErrorCode.InvalidRequest,
                        "email notifications need an SMTP server: set EDGECERT_SMTP_HOST and EDGECERT_SMTP_FROM on the edgecert nodes"));
            }
        }
        String endpoint = r.endpoint() == null ? "" : r.endpoint().strip();
        if (endpoint.isEmpty()) {
            violations.add(new Violation("endpoint", ErrorCode.MissingField,
                    "endpoint is required: an email address, or the URL webhooks are POSTed to"));
        } else {
            protocol.flatMap(p -> endpointProblem(p, endpoint))
                    .ifPresent(m -> violations.add(new Violation("endpoint", ErrorCode.InvalidRequest, m)));
        }
        Optional<List<EventType>> eventTypes = eventTypes(r.eventTypes(), violations);
        Optional<String> name = Optional.ofNullable(r.name()).map(String::strip).filter(s -> !s.isEmpty());
        if (name.isPresent() && (name.get().length() > MAX_NAME || name.get().chars().anyMatch(Character::isISOControl))) {
            violations.add(new Violation("name", ErrorCode.InvalidRequest,
                    "name must be at most " + MAX_NAME + " characters, without control characters"));
        }
        if (!violations.isEmpty()) {
            throw ProblemException.ofRequest(violations);
        }
        return new Checked(protocol.get(), endpoint, eventTypes, name);
    }

    private static Optional<String> endpointProblem(Protocol protocol, String endpoint) {
        return protocol == Protocol.EMAIL ? emailProblem(endpoint) : urlProblem(protocol, endpoint);
    }

    private static Optional<String> emailProblem(String endpoint) {
        if (endpoint.length() > MAX_EMAIL) {
            return Optional.of("an email address is at most " + MAX_EMAIL + " characters");
        }
        try {
            InternetAddress[] parsed = InternetAddress.parse(endpoint, true);
            if (parsed.length != 1 || parsed[0].getPersonal() != null || !parsed[0].getAddress().equals(endpoint)
                    || !endpoint.contains("@")) {
                return Optional.of("endpoint must be one plain email address, like ops@example.com");
            }
            parsed[0].validate();
            return Optional.empty();
        } catch (AddressException e) {
            return Optional.of("endpoint is not a valid email address, like ops@example.com");
        }
    }

    private static Optional<String> urlProblem(Protocol protocol, String endpoint) {
        String expected = protocol.wireName() + "://";
        if (endpoint.length() > MAX_URL) {
            return Optional.of("the URL is at most " + MAX_URL + " characters");
        }
        URI uri;
        try {
            uri = new URI(endpoint);
        } catch (URISyntaxException e) {
            return Optional.of("endpoint is not a valid URL: " + e.getReason());
        }
        if (!uri.isAbsolute() || !protocol.wireName().equals(uri.getScheme().toLowerCase(Locale.ROOT))) {
            return Optional.of("endpoint must be an absolute " + expected + " URL for protocol " + protocol.wireName());
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            return Optional.of("endpoint must name a host, like " + expected + "hooks.example.com/edgecert");
        }
        if (uri.getRawUserInfo() != null) {
            return Optional.of("endpoint must not carry a user name or password; webhooks are authenticated by their signature");
        }
        if (uri.getRawFragment() != null) {
            return Optional.of("endpoint must not have a #fragment");
        }
        return Optional.empty();
    }

    /** Absent: every type. Present: a non-empty set of known names, duplicates dropped. */
    private static Optional<List<EventType>> eventTypes(List<String> names, List<Violation> violations) {
        if (names == null) {
            return Optional.empty();
        }
        String known = Arrays.stream(EventType.values()).map(Enum::name).collect(Collectors.joining(", "));
        if (names.isEmpty()) {
            violations.add(new Violation("eventTypes", ErrorCode.InvalidRequest,
                    "eventTypes must name at least one of " + known + ", or be left out for every type"));
            return Optional.empty();
        }
        Set<EventType> types = new LinkedHashSet<>();
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            Optional<EventType> t = Arrays.stream(EventType.values()).filter(e -> e.name().equals(n)).findFirst();
            if (t.isEmpty()) {
                violations.add(new Violation("eventTypes[" + i + "]", ErrorCode.InvalidRequest,
                        "unknown event type" + (n == null || n.length() > 64 ? "" : " '" + n + "'") + "; known types: " + known));
            } else {
                types.add(t.get());
            }
        }
        return Optional.of(List.copyOf(types));
    }
}
