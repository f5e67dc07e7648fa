package io.edgecert.serving;

/**
 * What a set of deployed distributions is, in three numbers: how many, the newest change number
 * and the sum of all of them. Every write restamps its distribution with a new, higher number,
 * so any create, change or reimport moves max and sum, and a delete moves count and sum.
 */
public record RoutesFingerprint(long count, long maxChangeSeq, long sumChangeSeq) {
}
