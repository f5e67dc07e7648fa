#!/usr/bin/env bash
# Idle-node benchmark (issue 13, "one change signal"): an edgecert node on PostgreSQL with no job
# and no change; counts its database's transactions (xact_commit + xact_rollback of
# pg_stat_database) over DURATION (60) seconds after a settling pause, and prints them per second.
# Before issue 13: 8.6/s (five pollers); target < 3/s.
#   PG=postgresql://postgres@127.0.0.1:5432  the server (a fresh database is created and dropped)
#   the build measured is target/classes of this tree (compiled first), with its runtime classpath
#   JOB_WORKERS=2                            EDGECERT_JOB_WORKERS (0: no job runner, to see its share)
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_MEASURED=${DURATION:-60}; SETTLE=${SETTLE:-15}
PG_HOST=${PG_HOST:-127.0.0.1}; PG_PORT=${PG_PORT:-5432}; PG_USER=${PG_USER:-postgres}
work=$PWD/target/bench-idle
mkdir -p "$work"
mvn_cmd=(mvn -q -o)
command -v flock >/dev/null && mvn_cmd=(flock "${MVN_LOCK:-/tmp/edgecert-mvn.lock}" "${mvn_cmd[@]}")
[[ -f "$work/classpath.txt" ]] || "${mvn_cmd[@]}" dependency:build-classpath -Dmdep.outputFile="$work/classpath.txt" -Dmdep.includeScope=runtime
"${mvn_cmd[@]}" compile
cp="target/classes:$(cat "$work/classpath.txt")"
db=edgecert_bench_idle_$$
psql_cmd=(psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -Atq)
"${psql_cmd[@]}" -c "CREATE DATABASE $db"
rm -rf "$work/data"
EDGECERT_DATA_DIR=$work/data EDGECERT_API_PORT=18310 EDGECERT_EDGE_HTTPS_PORT=18653 EDGECERT_EDGE_HTTP_PORT=18391 \
EDGECERT_ADMIN_TOKEN=bench-token-0123456789 EDGECERT_DB_URL="jdbc:postgresql://$PG_HOST:$PG_PORT/$db" \
EDGECERT_DB_USER=$PG_USER EDGECERT_JOB_WORKERS=${JOB_WORKERS:-2} \
  java -Xmx512m -cp "$cp" io.edgecert.cli.Main serve > "$work/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; "${psql_cmd[@]}" -c "DROP DATABASE IF EXISTS $db" || true' EXIT
until curl -sf http://127.0.0.1:18310/healthz >/dev/null; do sleep 0.2; kill -0 $pid || { cat "$work/server.log"; exit 1; }; done
sleep "$SETTLE"
# read from the postgres database, so the reads are not counted; stats are flushed by idle backends within ~1 s
count() { "${psql_cmd[@]}" -c "SELECT pg_stat_clear_snapshot(); SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = '$db'" | tail -1; }
before=$(count)
sleep "$SECONDS_MEASURED"
after=$(count)
awk -v a="$before" -v b="$after" -v s="$SECONDS_MEASURED" -v w="${JOB_WORKERS:-2}" \
  'BEGIN { printf "idle node (job workers %s): %d transactions in %d s = %.2f/s\n", w, b - a, s, (b - a) / s }'
