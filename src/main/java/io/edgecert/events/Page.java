package io.edgecert.events;

import java.util.List;
import java.util.Optional;

/** One page of a list; nextCursor is the last id of the page when more follow. */
public record Page<T>(List<T> items, Optional<String> nextCursor) {
}
