#!/usr/bin/env bash
# Compression at the edge (issue 14): ratio and speed of the codings the compress stage could use
# (gzip, Brotli at several qualities, zstd) on a real text corpus (this repository's docs/*.md)
# and on a generated JSON array and HTML table, each streamed through netty's encoder in 16 KB
# parts as CompressionHandler does. docs/caching.md ("Response headers and compression") keeps
# the figures and the decision they led to.
#
#   bench/compression/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
work=target/bench-compression
mkdir -p "$work"

mvn_cmd=(mvn -q)
[[ "${MVN_OFFLINE:-1}" == 1 ]] && mvn_cmd+=(-o)
command -v flock >/dev/null && mvn_cmd=(flock /tmp/edgecert-mvn.lock "${mvn_cmd[@]}")
"${mvn_cmd[@]}" test-compile
"${mvn_cmd[@]}" dependency:build-classpath -Dmdep.outputFile="$work/classpath.txt" -Dmdep.includeScope=test
java -cp "target/test-classes:target/classes:$(cat "$work/classpath.txt")" io.edgecert.bench.CompressionBench docs
