#!/usr/bin/env bash
# Import benchmark (issue 2, "Speed"): 10,000 distinct RSA-2048 certificates, each with its chain
# (intermediate + root), posted to POST /api/v1/certificates of an edgecert running as its own
# process (java -Xmx512m -jar target/edgecert.jar serve, embedded H2 in a fresh data dir, random
# free port, fixed admin token) from 8 client threads over HTTP/1.1 keep-alive (a lean socket client by
# default, since client and server share the 2 cores; --client jdk uses the JDK HttpClient). Prints
# certificates/s, p50/p99 latency, errors, peak heap and RSS of the server.
#
#   bench/import/run.sh                          # build the jar if missing, run with the defaults
#   bench/import/run.sh --count 2000 --threads 4 # options go to io.edgecert.bench.ImportBench
#   REBUILD=1 bench/import/run.sh                # rebuild the jar first
#   bench/import/run.sh --server-java-opts "-XX:StartFlightRecording=filename=/tmp/import.jfr,settings=profile"
#
# Options: --count N (10000) --threads N (8) --key-pool N (64) --warmup N (= count: the timed run follows as many imports on the fresh server, whose rate is printed as the cold figure) --server-heap SIZE (512m)
#          --client keepalive|jdk (keepalive)
#          --metrics-interval-ms N (1000; the heap is also read every 200 ms with jstat)
#          --server-java-opts "..." --work DIR (target/bench-import)
#          --jfr FILE (JFR profile of the timed run only, written to FILE)
#          --db-url URL (experiments only, e.g. other H2 settings; {data} = the fresh data dir)
set -euo pipefail
cd "$(dirname "$0")/../.."

mvn_cmd=(mvn -q)
[[ "${MVN_OFFLINE:-1}" == 1 ]] && mvn_cmd+=(-o)
command -v flock >/dev/null && mvn_cmd=(flock /tmp/edgecert-mvn.lock "${mvn_cmd[@]}")

if [[ ! -f target/edgecert.jar || "${REBUILD:-0}" == 1 ]]; then
  echo "== building target/edgecert.jar"
  "${mvn_cmd[@]}" -DskipTests package
else
  echo "== using existing target/edgecert.jar ($(date -r target/edgecert.jar '+%F %T'); REBUILD=1 to rebuild)"
  "${mvn_cmd[@]}" test-compile   # the load generator lives in the test sources
fi
mkdir -p target/bench-import
"${mvn_cmd[@]}" dependency:build-classpath -Dmdep.outputFile=target/bench-import/classpath.txt -Dmdep.includeScope=test
cp="target/test-classes:target/classes:$(cat target/bench-import/classpath.txt)"

exec java -Xmx1g -cp "$cp" io.edgecert.bench.ImportBench \
  --jar target/edgecert.jar --work target/bench-import "$@"
