#!/usr/bin/env bash
# Edge benchmark (issue 3, "Speed"), edgecert and nginx side by side in one run, same machine,
# same certificates, same load generators, same origin:
#   - N distributions (default 10,000), each with its own certificate, half RSA-2048 half P-256;
#   - start-up until every name is servable (edgecert: process start -> the last-created name is
#     served with its own certificate; nginx: the same with N server blocks), measured by a C probe
#     (served.c) that costs both servers the same; edgecert twice: a restart from its snapshot
#     (the usual restart) and a start that reads everything from the database (snapshot removed);
#   - heap per loaded certificate when idle (edgecert, after GC: loaded vs an empty node);
#   - full TLS handshakes/s, a new connection per handshake, names spread over all N, RSA and EC
#     separately (bench/edge/handshakes.c, OpenSSL client, no resumption);
#   - keep-alive HTTPS requests/s proxied to a local origin (wrk, same Host header for both);
#   the load runs are interleaved: both servers stay up and each round runs edgecert and nginx
#   back to back (the order alternating), ROUNDS times, so a noisy neighbour hits both alike;
#   the ratio reported is the median of the rounds' ratios;
#   - API call that creates a distribution -> first successful handshake with its certificate.
#
#   bench/edge/run.sh            # N=10000 DURATION=15 (seconds per load run); needs nginx, wrk, gcc, libssl-dev
#   SKIP_LOAD=1 EDGE_THREADS=2 bench/edge/run.sh   # reuse the last loaded data dir; edge event-loop threads
#   ROUNDS=3 STARTS=3            # interleaved load rounds; edgecert start-ups per kind (median reported)
#   EDGE_RSA_SIGNER=boringssl    # who makes edgecert's RSA signatures (EDGECERT_EDGE_RSA_SIGNER; default auto)
#   WARMUP=10                    # seconds of untimed handshakes and of wrk before each server's timed runs
#   EDGE_JAVA_OPTS="-XX:StartFlightRecording=filename=/tmp/edge.jfr,settings=profile"   # extra JVM options for edgecert
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/common.sh # median, ratio, used_heap_kb, wait_healthz
N=${N:-10000}
DURATION=${DURATION:-15}
work=$PWD/target/bench-edge
mkdir -p "$work"
mvn_cmd=(mvn -q)
command -v flock >/dev/null && mvn_cmd=(flock /tmp/edgecert-mvn.lock "${mvn_cmd[@]}")
for tool in nginx wrk gcc; do command -v $tool >/dev/null || { echo "needs $tool (apt-get install -y nginx-light wrk gcc libssl-dev)"; exit 2; }; done
[[ -f target/edgecert.jar && "${REBUILD:-0}" != 1 ]] || "${mvn_cmd[@]}" -DskipTests package
"${mvn_cmd[@]}" test-compile
"${mvn_cmd[@]}" dependency:build-classpath -Dmdep.outputFile="$work/classpath.txt" -Dmdep.includeScope=test
cp="target/test-classes:target/classes:$(cat "$work/classpath.txt")"
gcc -O2 -o "$work/handshakes" bench/edge/handshakes.c -lssl -lcrypto
gcc -O2 -o "$work/served" bench/edge/served.c -lssl -lcrypto
ROUNDS=${ROUNDS:-3}
STARTS=${STARTS:-3}
bench() { java -cp "$cp" io.edgecert.bench.EdgeBench "$@"; }

if [[ ! -f "$work/certs/$((N-1)).pem" || -f "$work/certs/$N.pem" ]]; then
  rm -rf "$work/certs"; bench prepare "$work" "$N"
fi
last=$((N-1)); last_name="d$last.bench.example"; last_fp=$(cat "$work/certs/$last.fp")

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; nginx -p "$work/nginx" -c nginx.conf -e stderr -s stop 2>/dev/null || true; nginx -p "$work/origin" -c origin.conf -e stderr -s stop 2>/dev/null || true; }
trap cleanup EXIT

echo "== origin (nginx, return 200) on 127.0.0.1:18080"
mkdir -p "$work/origin/logs"
cat > "$work/origin/origin.conf" <<CONF
worker_processes 1; pid $work/origin/nginx.pid; error_log stderr error;
events { worker_connections 4096; }
http { access_log off; server { listen 127.0.0.1:18080 reuseport; keepalive_requests 100000;
  location / { return 200 "ok from origin\n"; } } }
CONF
nginx -p "$work/origin" -c origin.conf -e stderr

start_edgecert() { # data dir, api port, https port, http port
  EDGECERT_DATA_DIR=$1 EDGECERT_API_PORT=$2 EDGECERT_EDGE_HTTPS_PORT=$3 EDGECERT_EDGE_HTTP_PORT=$4 \
  EDGECERT_ADMIN_TOKEN=bench-token-0123456789 EDGECERT_MASTER_KEY=$master EDGECERT_EDGE_DOMAIN=edge.bench \
  EDGECERT_TRUST_STORE=$work/root.pem EDGECERT_EDGE_THREADS=${EDGE_THREADS:-0} EDGECERT_EDGE_RSA_SIGNER=${EDGE_RSA_SIGNER:-auto} \
    java -Xmx1g -XX:+UseParallelGC ${EDGE_JAVA_OPTS:-} -jar target/edgecert.jar serve > "$1.log" 2>&1 &
  edgecert_pid=$!; pids+=("$edgecert_pid")
}
# The same untimed warm-up for both servers before their timed runs: a fresh JVM's C2 compiles the
# handshake and proxy paths during their first ~20 s of load (23 % of edgecert's CPU in a profile of
# a fresh node's first 25 s of wrk), which would be measured instead of the steady state nginx has at once.
WARMUP=${WARMUP:-10}
warm_up() { # port
  "$work/handshakes" 127.0.0.1 "$1" "$work/names.txt" "$WARMUP" 2 > /dev/null
  wrk -t2 -c32 -d"${WARMUP}s" -H "Host: d0.bench.example" "https://127.0.0.1:$1/" > /dev/null
}
# kept with the data so the loaded node can be restarted by hand for profiling
[[ -f "$work/master.key" ]] || head -c 32 /dev/urandom | base64 > "$work/master.key"
master=$(cat "$work/master.key")

rm -rf "$work/empty"
if [[ "${SKIP_LOAD:-0}" == 1 && -d "$work/data" ]]; then
  echo "== edgecert: reusing the loaded data dir (SKIP_LOAD=1)"
else
  echo "== edgecert: loading $N certificates + distributions through one import job"
  rm -rf "$work/data"
  start_edgecert "$work/data" 18100 18443 18081; wait_healthz 18100
  bench load "$work" http://127.0.0.1:18100 bench-token-0123456789 http://127.0.0.1:18080
  kill "$edgecert_pid"; wait "$edgecert_pid" 2>/dev/null || true
fi

echo "== edgecert: start-up until every name is servable"
served_after() { # port, then the command that starts the server
  local port=$1; shift
  rm -f "$work/start.ms"; "$work/served" "$port" "$last_name" "$last_fp" "$work/start.ms" > "$work/served.ms" &
  local waiter=$!; sleep 0.5
  date +%s%3N > "$work/start.ms"; "$@"
  wait "$waiter"; cat "$work/served.ms"
}
stop_edgecert() { wait_healthz 18100; kill "$edgecert_pid"; wait "$edgecert_pid" 2>/dev/null || true; } # a clean stop writes the snapshot
snapshot="$work/data/edge-snapshot.bin"
db_starts=()
for ((i = 0; i < STARTS; i++)); do
  rm -f "$snapshot"
  served_after 18443 start_edgecert "$work/data" 18100 18443 18081 > "$work/edge-startup.txt"
  db_starts+=("$(cat "$work/edge-startup.txt")"); stop_edgecert
done
grep -q "from its snapshot" "$work/data.log" && { echo "a start without a snapshot used one"; exit 1; }
snapshot_starts=()
for ((i = 0; i < STARTS; i++)); do
  served_after 18443 start_edgecert "$work/data" 18100 18443 18081 > "$work/edge-startup.txt"
  snapshot_starts+=("$(cat "$work/edge-startup.txt")")
  grep -q "from its snapshot" "$work/data.log" || { echo "the restart did not use its snapshot:"; grep "Edge serves\|snapshot" "$work/data.log"; exit 1; }
  ((i + 1 < STARTS)) && stop_edgecert
done
main_pid=$edgecert_pid
edge_startup=$(echo "${snapshot_starts[@]}" | median)
edge_db_startup=$(echo "${db_starts[@]}" | median)
wait_healthz 18100
echo "edgecert start-up from its snapshot: ${snapshot_starts[*]} ms (median $edge_startup)"
echo "edgecert start-up from the database:  ${db_starts[*]} ms (median $edge_db_startup)"
heap_loaded=$(used_heap_kb "$main_pid")
# touch every name once, as nginx loads every certificate before it serves: the timed runs then
# measure handshakes, not SSL-context builds (a cold name's first handshake costs one build)
touch_edge=$("$work/handshakes" 127.0.0.1 18443 "$work/names.txt" 0 2); echo "edgecert touch (each name once, contexts built): $touch_edge"
warm_up 18443
heap_contexts=$(used_heap_kb "$main_pid")
contexts=$(curl -s http://127.0.0.1:18100/metrics | awk '/^edgecert_edge_ssl_contexts/ {printf "%d", $2}')
start_edgecert "$work/empty" 18200 18543 18181; empty_pid=$edgecert_pid; wait_healthz 18200
heap_empty=$(used_heap_kb "$empty_pid"); kill "$empty_pid"; wait "$empty_pid" 2>/dev/null || true
per_cert_loaded=$(( (heap_loaded - heap_empty) * 1024 / N ))
per_cert_contexts=$(( (heap_contexts - heap_empty) * 1024 / N ))
echo "edgecert heap: empty ${heap_empty} KB, $N loaded ${heap_loaded} KB (${per_cert_loaded} B/cert), with $contexts SSL contexts built ${heap_contexts} KB (${per_cert_contexts} B/cert)"

bench latency "$work" http://127.0.0.1:18100 bench-token-0123456789 18443 http://127.0.0.1:18080 50 | tee "$work/latency.txt"

echo "== nginx with $N server blocks"
mkdir -p "$work/nginx/logs"
{
  echo "worker_processes 2; pid $work/nginx/nginx.pid; error_log stderr error; user root;"
  echo "events { worker_connections 8192; }"
  echo "http { access_log off; server_names_hash_max_size 65536; server_names_hash_bucket_size 128;"
  echo "  upstream origin { server 127.0.0.1:18080; keepalive 64; }"
  # nginx's own defaults for resumption (tickets on), as edgecert keeps BoringSSL's: the load
  # generator never resumes, so both do full handshakes and both issue the tickets a client would keep
  echo "  ssl_protocols TLSv1.2 TLSv1.3;"
  echo "  proxy_http_version 1.1; proxy_set_header Connection \"\";"
  echo "  server { listen 127.0.0.1:19443 ssl default_server; ssl_certificate $work/certs/0.pem; ssl_certificate_key $work/certs/0.key; location / { proxy_pass http://origin; } }"
  for ((i = 0; i < N; i++)); do
    echo "  server { listen 127.0.0.1:19443 ssl; server_name d$i.bench.example; ssl_certificate $work/certs/$i.pem; ssl_certificate_key $work/certs/$i.key; location / { proxy_pass http://origin; } }"
  done
  echo "}"
} > "$work/nginx/nginx.conf"
nginx_startup=$(served_after 19443 nginx -p "$work/nginx" -c nginx.conf -e stderr)
echo "nginx start-up: ${nginx_startup} ms"
touch_nginx=$("$work/handshakes" 127.0.0.1 19443 "$work/names.txt" 0 2); echo "nginx touch (each name once): $touch_nginx"
warm_up 19443

rate() { sed -E 's/.*rate=([0-9]+).*/\1/' <<< "$1"; }
measure() { # kind port -> one figure per second
  case $1 in
    rsa) rate "$("$work/handshakes" 127.0.0.1 "$2" "$work/names-rsa.txt" "$DURATION" 2)" ;;
    ec) rate "$("$work/handshakes" 127.0.0.1 "$2" "$work/names-ec.txt" "$DURATION" 2)" ;;
    wrk) wrk -t2 -c32 -d"${DURATION}s" -H "Host: d0.bench.example" "https://127.0.0.1:$2/" | awk '/Requests\/sec/ {printf "%d", $2}' ;;
  esac
}
echo "== interleaved load rounds: handshakes/s and keep-alive proxied requests/s (both servers up, $ROUNDS rounds)"
declare -A edge_runs nginx_runs ratios
for ((round = 1; round <= ROUNDS; round++)); do
  for kind in rsa ec wrk; do
    if ((round % 2)); then e=$(measure $kind 18443); n=$(measure $kind 19443); else n=$(measure $kind 19443); e=$(measure $kind 18443); fi
    edge_runs[$kind]+="$e "; nginx_runs[$kind]+="$n "; ratios[$kind]+="$(ratio "$e" "$n") "
    echo "round $round $kind: edgecert $e nginx $n ratio $(ratio "$e" "$n")"
  done
done
echo
echo "== results (N=$N, ${DURATION}s per load run, $(nproc) cores shared by server and load generator)"
printf "%-40s %14s %14s %8s\n" "" edgecert nginx ratio
printf "%-40s %14s %14s %8s\n" "start-up, restart from snapshot (ms)" "$edge_startup" "$nginx_startup" "$(ratio "$nginx_startup" "$edge_startup")x"
printf "%-40s %14s %14s %8s\n" "start-up, from the database only (ms)" "$edge_db_startup" "$nginx_startup" "$(ratio "$nginx_startup" "$edge_db_startup")x"
row() { # label kind
  printf "%-40s %14s %14s %8s   rounds: %s\n" "$1" "$(echo "${edge_runs[$2]}" | median)" "$(echo "${nginx_runs[$2]}" | median)" \
    "$(echo "${ratios[$2]}" | median)" "${ratios[$2]}"
}
row "full handshakes/s RSA-2048" rsa
row "full handshakes/s P-256" ec
row "keep-alive proxied requests/s" wrk
printf "%-40s %14s %14s %8s\n" "first handshake per name (touch), /s" "$(rate "$touch_edge")" "$(rate "$touch_nginx")" "$(ratio "$(rate "$touch_edge")" "$(rate "$touch_nginx")")"
printf "%-40s %14s\n" "heap per certificate, loaded idle (B)" "$per_cert_loaded"
printf "%-40s %14s\n" "heap per certificate, SSL context built (B)" "$per_cert_contexts"
printf "%-40s %14s\n" "create -> first handshake" "$(sed -E 's/.*: //' "$work/latency.txt")"
echo "(start-ups: medians of $STARTS; load figures: medians of $ROUNDS interleaved rounds, ratio = median of the rounds' ratios)"
