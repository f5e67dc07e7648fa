#!/usr/bin/env bash
# Job benchmark (issue 4, "Speed"): against an edgecert started as its own process on the embedded
# database (java -Xmx1g -jar target/edgecert.jar serve, fresh data dir):
#   - one import job of N certificates (default 10,000; half RSA-2048, half P-256, each with its
#     chain) with distributions from a template, from the POST until the JobSucceeded webhook
#     reaches a local receiver: every distribution Deployed and the notification sent;
#   - SAMPLES (10) jobs of one certificate, from the POST until the edge serves the name.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${N:-10000}; SAMPLES=${SAMPLES:-10}
work=$PWD/target/bench-jobs
mkdir -p "$work"
mvn_cmd=(mvn -q -o)
command -v flock >/dev/null && mvn_cmd=(flock /tmp/edgecert-mvn.lock "${mvn_cmd[@]}")
[[ -f target/edgecert.jar && "${REBUILD:-0}" != 1 ]] || "${mvn_cmd[@]}" -DskipTests package
"${mvn_cmd[@]}" test-compile
"${mvn_cmd[@]}" dependency:build-classpath -Dmdep.outputFile="$work/classpath.txt" -Dmdep.includeScope=test
cp="target/test-classes:target/classes:$(cat "$work/classpath.txt")"
[[ -f "$work/certs/$((N-1)).pem" && ! -f "$work/certs/$N.pem" ]] || { rm -rf "$work/certs"; java -cp "$cp" io.edgecert.bench.EdgeBench prepare "$work" "$N"; }
rm -rf "$work/data"
EDGECERT_DATA_DIR=$work/data EDGECERT_API_PORT=18300 EDGECERT_EDGE_HTTPS_PORT=18643 EDGECERT_EDGE_HTTP_PORT=18381 \
EDGECERT_ADMIN_TOKEN=bench-token-0123456789 EDGECERT_TRUST_STORE=$work/root.pem \
  java -Xmx1g -jar target/edgecert.jar serve > "$work/server.log" 2>&1 &
pid=$!; trap 'kill $pid 2>/dev/null || true' EXIT
until curl -sf http://127.0.0.1:18300/healthz >/dev/null; do sleep 0.1; done
java -cp "$cp" io.edgecert.bench.JobBench "$work" http://127.0.0.1:18300 bench-token-0123456789 18643 "$SAMPLES"
