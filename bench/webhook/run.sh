#!/usr/bin/env bash
# Webhook latency benchmark (issue 13, "a job's end wakes delivery"): an edgecert node on
# PostgreSQL (the outbox signal travels by pg_notify, as between nodes); SAMPLES (20) jobs of one
# certificate, one after another; for each, the JobSucceeded webhook's arrival at a local receiver
# minus the job's finishedAt. Prints the median. Before issue 13: 373 ms (the delivery worker's
# 500 ms poll); target < 100 ms.
#   PG_HOST/PG_PORT/PG_USER  the server (127.0.0.1:5432 postgres; a fresh database is created and dropped)
#   DB=h2                    the embedded database instead (in-process signal)
set -euo pipefail
cd "$(dirname "$0")/../.."
SAMPLES=${SAMPLES:-20}
PG_HOST=${PG_HOST:-127.0.0.1}; PG_PORT=${PG_PORT:-5432}; PG_USER=${PG_USER:-postgres}
work=$PWD/target/bench-webhook
mkdir -p "$work"
mvn_cmd=(mvn -q -o)
command -v flock >/dev/null && mvn_cmd=(flock "${MVN_LOCK:-/tmp/edgecert-mvn.lock}" "${mvn_cmd[@]}")
[[ -f "$work/classpath.txt" ]] || "${mvn_cmd[@]}" dependency:build-classpath -Dmdep.outputFile="$work/classpath.txt" -Dmdep.includeScope=test
"${mvn_cmd[@]}" test-compile
cp="target/test-classes:target/classes:$(cat "$work/classpath.txt")"
db=edgecert_bench_webhook_$$
psql_cmd=(psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -Atq)
db_env=()
if [[ "${DB:-postgresql}" != h2 ]]; then
  "${psql_cmd[@]}" -c "CREATE DATABASE $db"
  db_env=(EDGECERT_DB_URL="jdbc:postgresql://$PG_HOST:$PG_PORT/$db" EDGECERT_DB_USER="$PG_USER")
fi
rm -rf "$work/data"
env "${db_env[@]}" EDGECERT_DATA_DIR=$work/data EDGECERT_API_PORT=18320 EDGECERT_EDGE_HTTPS_PORT=18663 \
  EDGECERT_EDGE_HTTP_PORT=18401 EDGECERT_ADMIN_TOKEN=bench-token-0123456789 \
  java -Xmx512m -cp "$cp" io.edgecert.cli.Main serve > "$work/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; [[ "${DB:-postgresql}" == h2 ]] || "${psql_cmd[@]}" -c "DROP DATABASE IF EXISTS $db" || true' EXIT
until curl -sf http://127.0.0.1:18320/healthz >/dev/null; do sleep 0.2; kill -0 $pid || { cat "$work/server.log"; exit 1; }; done
java -cp "$cp" io.edgecert.bench.WebhookBench http://127.0.0.1:18320 bench-token-0123456789 "$SAMPLES"
