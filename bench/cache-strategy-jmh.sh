#!/usr/bin/env bash
# JMH micro-benchmark of the cache strategy (issue 14): primary cache key computation
# (CachingOptimized and a policy that selects query strings, headers and a cookie), the request
# decision on a hit with one stored response and with three Vary variants, and key + decision +
# answer head together (the strategy's whole cost of a cache hit).
#
#   bench/cache-strategy-jmh.sh            # defaults: -f 1 -wi 3 -i 5 -w 2s -r 3s, 1 thread
#   bench/cache-strategy-jmh.sh -t 2       # extra arguments go to JMH
set -euo pipefail
cd "$(dirname "$0")/.."

out=target/jmh-cache-strategy
mkdir -p "$out"

mvn_cmd=(mvn -q)
[[ "${MVN_OFFLINE:-1}" == 1 ]] && mvn_cmd+=(-o)
command -v flock >/dev/null && mvn_cmd=(flock /tmp/edgecert-mvn.lock "${mvn_cmd[@]}")

echo "== building main and test classes"
"${mvn_cmd[@]}" test-compile
"${mvn_cmd[@]}" dependency:build-classpath -Dmdep.outputFile="$out/classpath.txt" -Dmdep.includeScope=test
cp="target/test-classes:target/classes:$(cat "$out/classpath.txt")"

echo "== JMH CacheStrategyBenchmark ($(nproc 2>/dev/null || echo ?) cores)"
java -cp "$cp" org.openjdk.jmh.Main 'io.edgecert.bench.CacheStrategyBenchmark' \
  -f 1 -wi 3 -i 5 -w 2s -r 3s -rf csv -rff "$out/result.csv" "$@"

echo
echo "================ cache strategy (ops/s, one thread) ================"
awk -F, 'NR > 1 { gsub(/"/, "", $1); sub(/.*\./, "", $1); printf "%-24s %14.0f ± %.0f\n", $1, $5, $6 }' "$out/result.csv"
