#!/usr/bin/env bash
# Cache bench (issue 14, "Speed"): edgecert beside nginx with proxy_cache in one run, same machine,
# same TLS certificate (P-256, for the name and as both servers' default), same origin and objects,
# same load generators, both warm:
#   - cache-hit requests/s over keep-alive HTTPS, 1 KB and 100 KB objects (wrk -t2 -c32);
#   - cache-hit requests/s over HTTP/2, 1 KB (h2load, 16 connections x 10 streams);
#   - a miss-heavy mix: 9 in 10 requests for an object never asked before, 1 in 10 for one of 100
#     hot ones (wrk with bench/cache/miss-mix.lua), 1 KB;
#   - memory per cached object: 10,000 new 1 KB objects, each asked once (h2load -i); edgecert's
#     heap after a full GC and RSS, nginx's RSS (master + workers) and its cache directory on disk;
#   the load runs are interleaved as in bench/edge: each round runs edgecert and nginx back to back
#   (the order alternating), ROUNDS times; the ratio reported is the median of the rounds' ratios.
# Until the edge caches, edgecert forwards every request: the figures are then the pass-through
# proxy's (the script says which, from the Cache-Status header of a repeated request).
#
#   bench/cache/run.sh                 # ROUNDS=3 DURATION=10 (seconds per load run) WARMUP=10 OBJECTS=10000
#   PROFILE=1 bench/cache/run.sh      # a JFR profile of edgecert over the timed rounds: target/bench-cache/edge.jfr,
#                                      # and the top frames of its CPU samples printed
#   EDGE_JAVA_OPTS="..."               # extra JVM options for edgecert
# Needs nginx, wrk, h2load (apt-get install -y nginx wrk nghttp2-client), openssl, curl, a JDK.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/common.sh # servers stopped at exit, median, ratio, used_heap_kb, rss_kb, wait_for
for tool in nginx wrk h2load openssl curl jcmd; do command -v $tool >/dev/null || { echo "needs $tool (apt-get install -y nginx wrk nghttp2-client)"; exit 2; }; done
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-10}
OBJECTS=${OBJECTS:-10000}
work=$PWD/target/bench-cache
rm -rf "$work"; mkdir -p "$work"
[[ -f target/edgecert.jar && "${REBUILD:-0}" != 1 ]] || mvn -B -q -DskipTests package
name=cache.bench.example
origin_port=38080 api_port=38100 edge_port=38443 edge_http_port=38081 nginx_port=39443
token=bench-token-0123456789

echo "== one certificate for both (P-256, $name, under a test root)"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj "/CN=edgecert cache bench root" \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
  -keyout "$work/root.key" -out "$work/root.pem" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$name" -keyout "$work/leaf.key" -out "$work/leaf.csr" 2>/dev/null
openssl x509 -req -in "$work/leaf.csr" -CA "$work/root.pem" -CAkey "$work/root.key" -CAcreateserial -days 30 \
  -extfile <(printf "subjectAltName=DNS:%s\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n" "$name") \
  -out "$work/leaf.pem" 2>/dev/null
openssl pkcs8 -topk8 -nocrypt -in "$work/leaf.key" -out "$work/leaf.p8.key"

echo "== origin (nginx, static 1 KB and 100 KB files, Cache-Control: max-age=86400, ETag) on 127.0.0.1:$origin_port"
mkdir -p "$work/origin/files" "$work/origin/logs"
head -c 768 /dev/urandom | base64 -w 0 > "$work/origin/files/1k.bin" # 1,024 bytes of text
head -c 76800 /dev/urandom | base64 -w 0 > "$work/origin/files/100k.bin" # 102,400
cat > "$work/origin/origin.conf" <<CONF
worker_processes 1; pid $work/origin/nginx.pid; error_log stderr error; daemon off; user root;
events { worker_connections 4096; }
http { access_log off; default_type application/octet-stream;
  server { listen 127.0.0.1:$origin_port reuseport; keepalive_requests 100000; root $work/origin/files;
    location /1k/ { try_files /1k.bin =404; add_header Cache-Control "public, max-age=86400"; }
    location /100k/ { try_files /100k.bin =404; add_header Cache-Control "public, max-age=86400"; } } }
CONF
bench_start "$work/origin/stderr.log" nginx -p "$work/origin" -c origin.conf -e stderr
wait_for origin 10 curl -sf "http://127.0.0.1:$origin_port/1k/x"

echo "== edgecert: one distribution for $name, default behavior Managed-CachingOptimized"
EDGECERT_DATA_DIR=$work/edgecert-data EDGECERT_API_PORT=$api_port EDGECERT_EDGE_HTTPS_PORT=$edge_port \
EDGECERT_EDGE_HTTP_PORT=$edge_http_port EDGECERT_EDGE_BIND=127.0.0.1 EDGECERT_ADMIN_TOKEN=$token \
EDGECERT_MASTER_KEY=$(head -c 32 /dev/urandom | base64) EDGECERT_EDGE_DOMAIN=edge.bench EDGECERT_TRUST_STORE=$work/root.pem \
EDGECERT_EDGE_DEFAULT_CERTIFICATE=$work/leaf.pem EDGECERT_EDGE_DEFAULT_PRIVATE_KEY=$work/leaf.p8.key EDGECERT_JOB_WORKERS=0 \
  bench_start "$work/edgecert.log" java -Xmx1g -XX:+UseParallelGC ${EDGE_JAVA_OPTS:-} -jar target/edgecert.jar serve
edge_pid=$bench_pid
wait_for edgecert 60 curl -sf "http://127.0.0.1:$api_port/healthz"
api() { curl -sS -H "Authorization: Bearer $token" -H 'Content-Type: application/json' "$@"; }
json() { node -e 'let v = JSON.parse(require("fs").readFileSync(0)); for (const k of process.argv[1].split(".")) v = v?.[k]; console.log(v ?? "")' "$1"; }
cert_id=$(api "http://127.0.0.1:$api_port/api/v1/certificates" -d "$(node -e 'const fs = require("fs");
  console.log(JSON.stringify({ name: "cache bench", certificate: fs.readFileSync(process.argv[1], "utf8"), privateKey: fs.readFileSync(process.argv[2], "utf8") }))' \
  "$work/leaf.pem" "$work/leaf.p8.key")" | json id)
[[ -n $cert_id ]] || { echo "importing the certificate failed"; exit 1; }
behavior='"defaultCacheBehavior": {"targetOriginId": "origin", "viewerProtocolPolicy": "redirect-to-https",
  "allowedMethods": ["GET", "HEAD"], "cachedMethods": ["GET", "HEAD"], "cachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"},'
create() { api -o "$work/distribution.json" -w '%{http_code}' "http://127.0.0.1:$api_port/api/v1/distributions" \
  -d "{\"aliases\": [\"$name\"], \"certificateId\": \"$cert_id\", \"origins\": [{\"id\": \"origin\", \"url\": \"http://127.0.0.1:$origin_port\"}], $1
       \"defaultOriginId\": \"origin\", \"comment\": \"cache bench\"}"; }
status=$(create "$behavior")
if [[ $status != 201 ]] && grep -q defaultCacheBehavior "$work/distribution.json"; then
  echo "edgecert: this build has no cache behaviors: the distribution is a pass-through proxy"; status=$(create "")
fi
[[ $status == 201 ]] || { echo "creating the distribution failed ($status): $(cat "$work/distribution.json")"; exit 1; }
url_check() { curl -sf --cacert "$work/root.pem" --resolve "$name:$1:127.0.0.1" "https://$name:$1/1k/check" -o /dev/null; }
wait_for "the distribution" 30 url_check $edge_port

echo "== nginx $(nginx -v 2>&1 | sed 's/.*\///') with proxy_cache (2 workers, cache on disk in $work/nginx/cache)"
ngx=$work/nginx; mkdir -p "$ngx/cache" "$ngx/logs"
cat > "$ngx/nginx.conf" <<CONF
worker_processes 2; pid $ngx/nginx.pid; error_log $ngx/logs/error.log error; user root; daemon off;
events { worker_connections 8192; }
http { access_log off; default_type application/octet-stream;
  client_body_temp_path $ngx/body; fastcgi_temp_path $ngx/fastcgi; uwsgi_temp_path $ngx/uwsgi; scgi_temp_path $ngx/scgi; proxy_temp_path $ngx/proxy;
  proxy_cache_path $ngx/cache levels=1:2 keys_zone=bench:64m max_size=4g inactive=1d use_temp_path=off;
  upstream origin { server 127.0.0.1:$origin_port; keepalive 64; }
  ssl_protocols TLSv1.2 TLSv1.3;
  server { listen 127.0.0.1:$nginx_port ssl http2 default_server; server_name $name;
    ssl_certificate $work/leaf.pem; ssl_certificate_key $work/leaf.key; keepalive_requests 100000;
    location / { proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_cache bench; proxy_cache_revalidate on; add_header Cache-Status "nginx; \$upstream_cache_status"; } } }
CONF
bench_start "$ngx/logs/stderr.log" nginx -p "$ngx" -c nginx.conf -e "$ngx/logs/error.log"
nginx_pid=$bench_pid
wait_for nginx 10 url_check $nginx_port

cache_status() { # port path: the Cache-Status header of a second request for the path
  curl -s --cacert "$work/root.pem" --resolve "$name:$1:127.0.0.1" "https://$name:$1$2" -o /dev/null
  curl -s --cacert "$work/root.pem" --resolve "$name:$1:127.0.0.1" "https://$name:$1$2" -o /dev/null -D - \
    | tr -d '\r' | awk -F': ' 'tolower($1) == "cache-status" { print $2 }'
}
edge_status=$(cache_status $edge_port /1k/probe)
nginx_status=$(cache_status $nginx_port /1k/probe)
echo "a repeated request: edgecert Cache-Status '${edge_status:-none}', nginx '${nginx_status}'"
if [[ $edge_status == *hit* ]]; then edge_mode=cache; else edge_mode="pass-through (no cache hit)"; fi

# load: the same URL and Host for both; wrk and h2load get the IP in the URL and the name in Host
# each run's output is kept in $work/runs/; a run with errors or non-2xx answers is reported, as
# its rate would count them
mkdir -p "$work/runs"
checked() { # label file: the rate line's figure; warns when the tool saw errors or non-2xx answers
  if grep -qE 'Non-2xx|Socket errors|[1-9][0-9]* (failed|errored)|^status codes: .*[1-9][0-9]* [345]xx' "$2"; then
    echo "warning: $1: $(grep -E 'Non-2xx|Socket errors|failed|status codes' "$2" | tr '\n' ' ')" >&2
  fi
  awk '/Requests\/sec/ { printf "%d", $2 } /^finished in/ { gsub(",", "", $4); printf "%d", $4 }' "$2"
}
hits_wrk() { local f; f=$(mktemp "$work/runs/XXXXXX.txt")
  wrk -t2 -c32 -d"${DURATION}s" -H "Host: $name" "https://127.0.0.1:$1$2" > "$f"; checked "wrk $1$2" "$f"; }
hits_h2() { local f; f=$(mktemp "$work/runs/XXXXXX.txt")
  h2load -c16 -m10 -t2 -D "$DURATION" -H ":authority: $name" "https://127.0.0.1:$1/1k/hot" > "$f" 2>&1; checked "h2load $1" "$f"; }
miss_mix() { local f; f=$(mktemp "$work/runs/XXXXXX.txt")
  ROUND=$2 wrk -t2 -c32 -d"${DURATION}s" -s bench/cache/miss-mix.lua -H "Host: $name" "https://127.0.0.1:$1" > "$f"; checked "miss mix $1" "$f"; }
measure() { # kind port round
  case $1 in
    hit1k) hits_wrk "$2" /1k/hot ;;
    hit100k) hits_wrk "$2" /100k/hot ;;
    h2) hits_h2 "$2" ;;
    miss) miss_mix "$2" "$3" ;;
  esac
}
echo "== warm-up (${WARMUP}s of each hit load per server: the JVM compiles, both caches hold the hot objects)"
for port in $edge_port $nginx_port; do
  for path in /1k/hot /100k/hot; do cache_status $port $path > /dev/null; done
  DURATION=$WARMUP hits_wrk $port /1k/hot > /dev/null
  DURATION=$WARMUP hits_h2 $port > /dev/null
done

echo "== memory per cached object ($OBJECTS new 1 KB objects, each asked once over HTTP/2)"
for ((i = 0; i < OBJECTS; i++)); do echo "https://127.0.0.1:PORT/1k/object-$i"; done > "$work/objects.txt"
fill() { sed "s/PORT/$1/" "$work/objects.txt" > "$work/objects-$1.txt"
  h2load -c4 -m10 -n "$OBJECTS" -H ":authority: $name" -i "$work/objects-$1.txt" 2>/dev/null | grep -E '^requests:' ; }
stored() { curl -s "http://127.0.0.1:$api_port/metrics" | awk '/^edgecert_cache_memory_objects/ { printf "%d", $2; f = 1 } END { if (!f) printf "0" }'; }
edge_objects0=$(stored)
edge_heap0=$(used_heap_kb "$edge_pid"); edge_rss0=$(rss_kb "$edge_pid")
echo "edgecert: $(fill $edge_port)"
edge_heap1=$(used_heap_kb "$edge_pid"); edge_rss1=$(rss_kb "$edge_pid")
nginx_rss0=$(rss_kb "$nginx_pid"); nginx_disk0=$(du -sk "$ngx/cache" | cut -f1)
echo "nginx:    $(fill $nginx_port)"
sleep 1; nginx_rss1=$(rss_kb "$nginx_pid"); nginx_disk1=$(du -sk "$ngx/cache" | cut -f1)
edge_objects=$(( $(stored) - edge_objects0 )) # what the edge stored of them (its metrics), else all asked
((edge_objects > 0)) || edge_objects=$OBJECTS
echo "edgecert stored $edge_objects of the $OBJECTS objects (edgecert_cache_memory_objects)"
per() { awk -v a="$1" -v b="$2" -v n="${3:-$OBJECTS}" 'BEGIN { printf "%d", (b - a) * 1024 / n }'; }
edge_heap_per=$(per "$edge_heap0" "$edge_heap1" "$edge_objects"); edge_rss_per=$(per "$edge_rss0" "$edge_rss1" "$edge_objects")
nginx_rss_per=$(per "$nginx_rss0" "$nginx_rss1"); nginx_disk_per=$(per "$nginx_disk0" "$nginx_disk1")
echo "edgecert heap ${edge_heap0} -> ${edge_heap1} KB, RSS ${edge_rss0} -> ${edge_rss1} KB; nginx RSS ${nginx_rss0} -> ${nginx_rss1} KB, cache dir ${nginx_disk0} -> ${nginx_disk1} KB"
curl -s "http://127.0.0.1:$api_port/metrics" | grep -E '^edgecert_cache_(objects|size_bytes|memory|evictions)' | head -20 > "$work/cache-metrics.txt" || true
[[ -s $work/cache-metrics.txt ]] && { echo "edgecert cache metrics:"; cat "$work/cache-metrics.txt"; }

# the miss mix only after the memory figures: it fills the edge's bounded memory tier
echo "== warm-up of the miss mix ($(( WARMUP > 1 ? WARMUP / 2 : 1 ))s per server)"
for port in $edge_port $nginx_port; do DURATION=$(( WARMUP > 1 ? WARMUP / 2 : 1 )) miss_mix $port warm > /dev/null; done

echo "== interleaved load rounds ($ROUNDS rounds, ${DURATION}s per run)"
[[ ${PROFILE:-0} == 1 ]] && jcmd "$edge_pid" JFR.start name=bench settings=profile > /dev/null
kinds=(hit1k hit100k h2 miss)
declare -A edge_runs nginx_runs ratios
for ((round = 1; round <= ROUNDS; round++)); do
  for kind in "${kinds[@]}"; do
    if ((round % 2)); then e=$(measure $kind $edge_port "e$round"); n=$(measure $kind $nginx_port "n$round")
    else n=$(measure $kind $nginx_port "n$round"); e=$(measure $kind $edge_port "e$round"); fi
    edge_runs[$kind]+="$e "; nginx_runs[$kind]+="$n "; ratios[$kind]+="$(ratio "$e" "$n") "
    echo "round $round $kind: edgecert $e nginx $n ratio $(ratio "$e" "$n")"
  done
done

if [[ ${PROFILE:-0} == 1 ]]; then
  jcmd "$edge_pid" JFR.stop name=bench filename="$work/edge.jfr" > /dev/null
  echo "== where edgecert's CPU went over the rounds (JFR execution samples by top frame; $work/edge.jfr)"
  jfr print --events jdk.ExecutionSample --stack-depth 1 "$work/edge.jfr" \
    | awk '/stackTrace = \[/ { getline; sub(/^[ \t]+/, ""); sub(/line:.*/, ""); n[$0]++; total++ }
           END { for (f in n) printf "%6.2f%%  %s\n", 100 * n[f] / total, f }' | sort -rn | head -25
fi

echo
echo "== results (edgecert: $edge_mode; ${DURATION}s per load run, $(nproc) cores shared by servers, origin and load generator)"
printf "%-44s %12s %12s %8s\n" "" edgecert nginx ratio
row() { # label kind
  printf "%-44s %12s %12s %8s   rounds: %s\n" "$1" "$(echo "${edge_runs[$2]}" | median)" "$(echo "${nginx_runs[$2]}" | median)" \
    "$(echo "${ratios[$2]}" | median)" "${ratios[$2]}"
}
row "hits/s, keep-alive HTTPS, 1 KB (wrk)" hit1k
row "hits/s, keep-alive HTTPS, 100 KB (wrk)" hit100k
row "hits/s, HTTP/2 16 conns x 10 streams, 1 KB" h2
row "miss-heavy mix/s (9 in 10 new objects)" miss
printf "%-44s %12s %12s\n" "heap per stored 1 KB object (B)" "$edge_heap_per" "-"
printf "%-44s %12s %12s %8s\n" "RSS per stored 1 KB object (B)" "$edge_rss_per" "$nginx_rss_per" "$(ratio "$edge_rss_per" "$nginx_rss_per")"
printf "%-44s %12s %12s\n" "disk per cached 1 KB object (B)" "-" "$nginx_disk_per"
echo "(load figures: medians of $ROUNDS interleaved rounds, ratio = median of the rounds' ratios edgecert/nginx)"
