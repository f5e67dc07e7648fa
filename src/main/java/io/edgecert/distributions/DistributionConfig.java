package io.edgecert.distributions;

import io.edgecert.certificates.Tag;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * One version of a distribution's settings, as given and as stored (JSON in
 * distribution_versions). Immutable: a change is a new version.
 */
public record DistributionConfig(List<String> aliases, List<Origin> origins, String defaultOriginId,
                                 Optional<String> certificateId, String minimumProtocolVersion, boolean enabled,
                                 String comment, List<Tag> tags) {
    public DistributionConfig {
        // Copies that keep null elements (List.copyOf throws): a request's [null] must reach the
        // rules and come back as a 400 naming the field, not as a 500.
        aliases = immutable(aliases);
        origins = immutable(origins);
        tags = immutable(tags);
        comment = comment == null ? "" : comment;
    }

    private static <T> List<T> immutable(List<T> list) {
        return Collections.unmodifiableList(new ArrayList<>(list));
    }

    /** Where requests go: an id the config refers to and an http:// or https:// URL. */
    public record Origin(String id, String url) {
    }
}
