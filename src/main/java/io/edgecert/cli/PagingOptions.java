package io.edgecert.cli;

import picocli.CommandLine.Option;

import java.util.Optional;

/** AWS-CLI-style pagination for the list commands: every page is fetched unless --max-items says stop. */
final class PagingOptions {
    /** The API's largest page. */
    static final int MAX_PAGE_SIZE = 1000;

    @Option(names = "--max-items", paramLabel = "N",
            description = "Stop after N items; the output then has nextCursor for --starting-token.")
    Integer maxItems;

    @Option(names = "--page-size", paramLabel = "N", description = "Items per API call (1-1000, default 100).")
    Integer pageSize;

    @Option(names = "--starting-token", paramLabel = "CURSOR", description = "Continue from a previous output's nextCursor.")
    String startingToken;

    /** What the options ask for, checked. */
    record Paging(int pageSize, Optional<Integer> maxItems, Optional<String> startingToken) {
    }

    Paging paging() {
        if (pageSize != null && (pageSize < 1 || pageSize > MAX_PAGE_SIZE)) {
            throw CliException.usage("--page-size must be between 1 and " + MAX_PAGE_SIZE + ", got " + pageSize);
        }
        if (maxItems != null && maxItems < 1) {
            throw CliException.usage("--max-items must be at least 1, got " + maxItems);
        }
        return new Paging(pageSize == null ? 100 : pageSize, Optional.ofNullable(maxItems),
                Optional.ofNullable(startingToken).filter(s -> !s.isBlank()));
    }
}
