package io.edgecert.distributions.invalidations;

import io.edgecert.problems.ErrorCode;
import io.edgecert.problems.ProblemException;
import io.edgecert.problems.Violation;
import io.edgecert.serving.InvalidationPaths;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * CloudFront's rules for an invalidation batch (CreateInvalidation): 1 to 3,000 paths, each
 * starting with "/" and with "*" only as its last character, URL-normalised as
 * {@link InvalidationPaths} says; a caller reference of 1 to 128 printable characters. The limits
 * on what is in progress at once (3,000 file paths, 15 wildcard paths per distribution) depend on
 * stored state and are {@link #checkInProgress}.
 */
public final class InvalidationRules {
    public static final int MAX_PATHS_PER_REQUEST = 3_000;
    public static final int MAX_FILE_PATHS_IN_PROGRESS = 3_000;
    public static final int MAX_WILDCARD_PATHS_IN_PROGRESS = 15;
    public static final int MAX_CALLER_REFERENCE = 128;

    private InvalidationRules() {
    }

    /** The normalised paths of a batch, duplicates dropped, in the order given. */
    public record Batch(List<String> paths) {
        public Batch {
            paths = List.copyOf(paths);
        }

        public int wildcardPaths() {
            return (int) paths.stream().filter(InvalidationPaths::isWildcard).count();
        }

        public int filePaths() {
            return paths.size() - wildcardPaths();
        }

        /** Same paths, whatever their order: what makes a repeated callerReference a retry. */
        public boolean samePathsAs(List<String> other) {
            return Set.copyOf(paths).equals(Set.copyOf(other));
        }
    }

    /** The batch, or every problem of its paths and caller reference (field-level, InvalidArgument). */
    public static Batch check(List<String> paths, Optional<String> callerReference) {
        List<Violation> problems = new ArrayList<>();
        Set<String> normalised = new LinkedHashSet<>();
        if (paths == null || paths.isEmpty()) {
            problems.add(invalid("paths", "give at least one path, such as /index.html or /img/*"));
        } else if (paths.size() > MAX_PATHS_PER_REQUEST) {
            problems.add(invalid("paths", paths.size() + " paths in one invalidation; at most " + MAX_PATHS_PER_REQUEST
                    + " (a wildcard such as /img/* covers many)"));
        } else {
            for (int i = 0; i < paths.size(); i++) {
                InvalidationPaths.Parsed parsed = InvalidationPaths.parse(paths.get(i));
                if (parsed instanceof InvalidationPaths.Valid v) {
                    normalised.add(v.path());
                } else if (parsed instanceof InvalidationPaths.Refused r) {
                    problems.add(invalid("paths[" + i + "]", "path " + quote(paths.get(i)) + " " + r.reason()));
                }
            }
        }
        callerReference.flatMap(InvalidationRules::callerReferenceProblem).ifPresent(problems::add);
        if (!problems.isEmpty()) {
            throw ProblemException.of(problems);
        }
        return new Batch(List.copyOf(normalised));
    }

    /**
     * CloudFront's in-progress limits, given what the distribution has InProgress already:
     * TooManyInvalidationsInProgress when this batch would take it over either.
     */
    public static void checkInProgress(Batch batch, long filePathsInProgress, long wildcardPathsInProgress) {
        if (wildcardPathsInProgress + batch.wildcardPaths() > MAX_WILDCARD_PATHS_IN_PROGRESS) {
            throw tooMany("wildcard", batch.wildcardPaths(), wildcardPathsInProgress, MAX_WILDCARD_PATHS_IN_PROGRESS);
        }
        if (filePathsInProgress + batch.filePaths() > MAX_FILE_PATHS_IN_PROGRESS) {
            throw tooMany("file", batch.filePaths(), filePathsInProgress, MAX_FILE_PATHS_IN_PROGRESS);
        }
    }

    private static ProblemException tooMany(String kind, int asked, long inProgress, int max) {
        String message = "this invalidation has " + asked + " " + kind + " path(s) and the distribution has " + inProgress
                + " in progress; at most " + max + " " + kind + " paths may be in progress at once: wait for an "
                + "invalidation to complete" + (kind.equals("file") ? ", or use a wildcard path" : ", or merge paths under one wildcard");
        return ProblemException.of(new Violation("paths", ErrorCode.TooManyInvalidationsInProgress, message));
    }

    private static Optional<Violation> callerReferenceProblem(String ref) {
        if (ref.isEmpty() || ref.length() > MAX_CALLER_REFERENCE) {
            return Optional.of(invalid("callerReference", "callerReference must be 1 to " + MAX_CALLER_REFERENCE
                    + " characters, got " + ref.length()));
        }
        if (ref.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return Optional.of(invalid("callerReference", "callerReference must not contain control characters"));
        }
        return Optional.empty();
    }

    private static Violation invalid(String field, String message) {
        return new Violation(field, ErrorCode.InvalidArgument, message);
    }

    /** The path as the user gave it, shortened and with control characters shown escaped. */
    private static String quote(String path) {
        if (path == null) {
            return "null";
        }
        String shown = path.length() > 80 ? path.substring(0, 80) + "..." : path;
        StringBuilder s = new StringBuilder("'");
        shown.chars().forEach(c -> s.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", c) : String.valueOf((char) c)));
        return s.append('\'').toString();
    }
}
