package io.edgecert.serving;

import java.util.List;
import java.util.Locale;

/**
 * Which of a request's headers, cookies or query strings a policy takes, CloudFront's way: none,
 * the listed names, all but the listed names, or all. Header names are compared without case
 * (they are kept lower-case); cookie and query-string names are case-sensitive.
 */
public record Selection(Kind kind, List<String> names) {
    public enum Kind {
        NONE("none"), WHITELIST("whitelist"), ALL_EXCEPT("allExcept"), ALL("all");

        private final String apiName;

        Kind(String apiName) {
            this.apiName = apiName;
        }

        public String apiName() {
            return apiName;
        }
    }

    public static final Selection NONE = new Selection(Kind.NONE, List.of());
    public static final Selection ALL = new Selection(Kind.ALL, List.of());

    public Selection {
        names = List.copyOf(names);
    }

    public static Selection only(String... names) {
        return new Selection(Kind.WHITELIST, List.of(names));
    }

    /** Header names lower-cased, so that {@link #includesHeader} is a plain lookup. */
    public static Selection ofHeaders(Kind kind, List<String> names) {
        return new Selection(kind, names.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList());
    }

    /** For cookies and query strings: exact names. */
    public boolean includes(String name) {
        return switch (kind) {
            case NONE -> false;
            case ALL -> true;
            case WHITELIST -> names.contains(name);
            case ALL_EXCEPT -> !names.contains(name);
        };
    }

    public boolean includesHeader(String name) {
        return includes(name.toLowerCase(Locale.ROOT));
    }
}
