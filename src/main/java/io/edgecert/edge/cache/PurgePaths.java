package io.edgecert.edge.cache;

import io.edgecert.serving.InvalidationPaths;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * CloudFront invalidation paths as one matcher: exact paths ("/index.html") in a set, prefixes
 * ("/img/*"; "/*" is everything) in a list, so one pass over the index serves a whole
 * invalidation (3,000 paths, 15 of them wildcards, at most). Both sides are compared in
 * {@link InvalidationPaths#canonical}'s URL-encoded form (CloudFront's rule), so an object stored
 * under "/caf%c3%a9" is dropped by "/café"; a path without its leading "/" gets one.
 */
record PurgePaths(Set<String> exact, List<String> prefixes) {
    static PurgePaths of(List<String> paths) {
        Set<String> exact = new HashSet<>();
        List<String> prefixes = new ArrayList<>();
        for (String p : paths) {
            String path = InvalidationPaths.canonical(p.startsWith("/") ? p : "/" + p);
            if (path.endsWith("*")) {
                prefixes.add(path.substring(0, path.length() - 1));
            } else {
                exact.add(path);
            }
        }
        return new PurgePaths(Set.copyOf(exact), List.copyOf(prefixes));
    }

    boolean matches(String objectPath) {
        String path = InvalidationPaths.canonical(objectPath);
        if (exact.contains(path)) {
            return true;
        }
        for (String prefix : prefixes) {
            if (path.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
