#!/usr/bin/env bash
# JMH micro-benchmark of the edge cache's store (issue 14, docs/caching.md "The store"): lookup +
# read of a 1 KB and a 100 KB hit on several threads, beside the same with bodies kept as byte[]
# (the copy netty makes of a heap buffer it writes); then the heap a store of 100,000 objects costs
# per object.
#
#   bench/cache-store-jmh.sh              # defaults: -f 1 -wi 3 -i 5 -w 2s -r 3s, -t 2
#   bench/cache-store-jmh.sh -t 4         # extra arguments go to JMH
#   FOOTPRINT_OBJECTS=1000000 bench/cache-store-jmh.sh
set -euo pipefail
cd "$(dirname "$0")/.."

out=target/jmh
mkdir -p "$out"

mvn_cmd=(mvn -q)
[[ "${MVN_OFFLINE:-1}" == 1 ]] && mvn_cmd+=(-o)
command -v flock >/dev/null && mvn_cmd=(flock /tmp/edgecert-mvn.lock "${mvn_cmd[@]}")

echo "== building main and test classes"
"${mvn_cmd[@]}" test-compile
"${mvn_cmd[@]}" dependency:build-classpath -Dmdep.outputFile="$out/classpath.txt" -Dmdep.includeScope=test
cp="target/test-classes:target/classes:$(cat "$out/classpath.txt")"

echo "== JMH CacheStoreBenchmark ($(nproc 2>/dev/null || echo ?) cores)"
java -cp "$cp" org.openjdk.jmh.Main 'io.edgecert.bench.CacheStoreBenchmark' \
  -f 1 -wi 3 -i 5 -w 2s -r 3s -t 2 -rf csv -rff "$out/cache-store.csv" "$@"

echo
echo "== heap per stored object (bodies are off-heap)"
java -Xmx2g -XX:+UseG1GC -cp "$cp" io.edgecert.bench.CacheStoreBenchmark "${FOOTPRINT_OBJECTS:-100000}" 1024
