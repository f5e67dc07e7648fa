package io.edgecert.distributions.policies;

import java.util.List;

/**
 * CloudFront's HeadersConfig / CookiesConfig / QueryStringsConfig with the behavior and the names
 * in one shape, camelCase: {@code {"behavior": "whitelist", "items": ["x-tenant"]}}. Behavior is
 * none, whitelist, allExcept or all (origin request policies also take CloudFront's allViewer,
 * which is all). Absent behavior means none.
 */
public record SelectionConfig(String behavior, List<String> items) {
    public static final SelectionConfig NONE = new SelectionConfig("none", List.of());

    public SelectionConfig {
        items = items == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(items));
    }
}
