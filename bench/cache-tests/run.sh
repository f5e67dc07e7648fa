#!/usr/bin/env bash
# The HTTP caching suite behind cache-tests.fyi (issue 14, "Measured against the peers") against
# edgecert's edge and, in the same run, Debian's nginx (proxy_cache) and Varnish configured as in
# the suite's docker/ folder. One origin for all: the suite's node test server.
#
#   bench/cache-tests/run.sh                       # edgecert, nginx, varnish
#   bench/cache-tests/run.sh --only edgecert       # one target (repeatable: --only nginx --only varnish)
#   bench/cache-tests/run.sh --only edgecert --min-required 120 [--min-optimal 40]   # exit 1 below (CI)
#   bench/cache-tests/run.sh --only edgecert --id freshness-none   # one test, with its requests and responses
#   CACHE_TESTS_DIR=/path/to/cache-tests           # the suite (default ../shared/testdata/cache-tests;
#                                                  # without it, npm's http-cache-tests package)
#   PORT_BASE=28000                                # origin PORT_BASE, nginx +2, varnish +5, edgecert +100/+443/+81
#
# Per target: required passed/total and optimal passed/total, counted as the published figures
# are (a test passes when its result is true: bench/cache-tests/score.mjs), the JSON results in
# bench/cache-tests/results/<target>.json, and for edgecert the failing test ids with the suite's
# reason (results/edgecert-failing.txt). Needs node (>= 18) and npm; nginx and varnish for those targets.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/common.sh # servers stopped at exit, wait_for
repo=$PWD
here=$repo/bench/cache-tests

targets=() min_required=0 min_optimal=0 test_id=
while (($#)); do
  case $1 in
    --only) targets+=("$2"); shift 2 ;;
    --min-required) min_required=$2; shift 2 ;;
    --min-optimal) min_optimal=$2; shift 2 ;;
    --id) test_id=$2; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
((${#targets[@]})) || targets=(edgecert nginx varnish)
for t in "${targets[@]}"; do
  case $t in edgecert|nginx|varnish) ;; *) echo "unknown target: $t (edgecert, nginx, varnish)" >&2; exit 2 ;; esac
done
wants() { [[ " ${targets[*]} " == *" $1 "* ]]; }

command -v node >/dev/null && command -v npm >/dev/null || { echo "needs node and npm (apt-get install -y nodejs npm)" >&2; exit 2; }
wants nginx && ! command -v nginx >/dev/null && { echo "needs nginx (apt-get install -y nginx)" >&2; exit 2; }
wants varnish && ! command -v varnishd >/dev/null && { echo "needs varnish (apt-get install -y varnish)" >&2; exit 2; }

base=${PORT_BASE:-28000}
origin_port=$base nginx_port=$((base + 2)) varnish_port=$((base + 5))
api_port=$((base + 100)) edge_https_port=$((base + 443)) edge_http_port=$((base + 81))
work=$repo/target/cache-tests-run
results=$here/results
mkdir -p "$work" "$results"

echo "== the suite"
suite=$work/suite
src=${CACHE_TESTS_DIR:-$repo/../shared/testdata/cache-tests}
if [[ -f $src/tests/index.mjs ]]; then
  # a copy: npm ci writes node_modules, and the shared copy stays untouched
  if ! cmp -s "$src/package-lock.json" "$suite/package-lock.json" 2>/dev/null || [[ ! -d $suite/node_modules ]] \
      || [[ -n $(diff -rq -x node_modules "$src" "$suite" 2>/dev/null | head -1) ]]; then
    rm -rf "$suite"; cp -r "$src" "$suite"
    (cd "$suite" && npm ci --omit=dev --no-audit --no-fund --loglevel=error)
  fi
  echo "suite: $src ($(cd "$suite" && node -e 'console.log(require("./package.json").version)'))"
else
  # anywhere else: the suite as published on npm (possibly older than the shared copy; scores are
  # compared on the shared copy)
  if [[ ! -f $suite/tests/index.mjs ]]; then
    rm -rf "$suite" "$work/npm"; mkdir -p "$work/npm"
    (cd "$work/npm" && npm init -y >/dev/null && npm i --no-audit --no-fund --loglevel=error http-cache-tests@0.4.5)
    cp -r "$work/npm/node_modules/http-cache-tests" "$suite"; ln -s "$work/npm/node_modules" "$suite/node_modules"
  fi
  echo "suite: npm http-cache-tests $(cd "$suite" && node -e 'console.log(require("./package.json").version)') ($src not found)"
fi

# the suite's own code: test-engine/ in the repository, the package's top level in npm's older layout
engine=$suite/test-engine; [[ -d $engine ]] || engine=$suite

echo "== origin: the suite's test server on 127.0.0.1:$origin_port"
(cd "$suite" && npm_config_protocol=http npm_config_port=$origin_port npm_config_pidfile=$work/origin.pid \
  exec node "$engine/server/server.mjs") > "$work/origin.log" 2>&1 &
bench_pids+=($!)
wait_for "the test server" 20 curl -sf "http://127.0.0.1:$origin_port/package.json"

run_suite() { # target base-url [host suffix resolved to 127.0.0.1]: the suite's client, results to $results/<target>.json
  local target=$1 url=$2 suffix=${3:-}
  local started=$SECONDS
  if [[ -n $test_id ]]; then # one test, dumped as the client shows it; no results file
    (cd "$suite" && CACHE_TESTS_LOCAL_SUFFIX=$suffix NODE_TLS_REJECT_UNAUTHORIZED=0 npm_config_base=$url npm_config_id=$test_id \
      npm_package_config_id=$test_id exec node --no-warnings "$here/client.mjs" "$engine/cli.mjs")
    return 0
  fi
  (cd "$suite" && CACHE_TESTS_LOCAL_SUFFIX=$suffix NODE_TLS_REJECT_UNAUTHORIZED=0 npm_config_base=$url npm_config_id= npm_package_config_id= \
    exec node --no-warnings "$here/client.mjs" "$engine/cli.mjs") > "$work/$target.json" 2> "$work/$target.client.log" \
    || { echo "$target: the client failed (see $work/$target.client.log)" >&2; tail -5 "$work/$target.client.log" >&2; return 1; }
  node -e 'JSON.parse(require("fs").readFileSync(process.argv[1]))' "$work/$target.json" \
    || { echo "$target: the client wrote no results (see $work/$target.client.log)" >&2; tail -5 "$work/$target.client.log" >&2; return 1; }
  cp "$work/$target.json" "$results/$target.json"
  node "$here/score.mjs" "$suite" "$results/$target.json" "$target" > "$work/$target.score.json"
  echo "$target: $(summary "$work/$target.score.json") (${url}, $((SECONDS - started))s)"
}
summary() { # score json -> one line
  node -e 'const s = JSON.parse(require("fs").readFileSync(process.argv[1]));
    console.log(`required ${s.required.passed}/${s.required.total}, optimal ${s.optimal.passed}/${s.optimal.total}` +
      ` (as the fyi table shows them, dependencies honoured: ${s.shown.required.passed}/${s.shown.optimal.passed})`)' "$1"
}

if wants edgecert; then
  echo "== edgecert"
  jar=$repo/target/edgecert.jar
  [[ -f $jar ]] || { echo "building $jar"; mvn -B -q -DskipTests package; }
  data=$work/edgecert-data; rm -rf "$data"; mkdir -p "$data"
  token=cache-tests-token-0123456789 domain=edge.cache-tests.test
  EDGECERT_DATA_DIR=$data EDGECERT_API_PORT=$api_port EDGECERT_EDGE_BIND=127.0.0.1 \
  EDGECERT_EDGE_HTTPS_PORT=$edge_https_port EDGECERT_EDGE_HTTP_PORT=$edge_http_port \
  EDGECERT_ADMIN_TOKEN=$token EDGECERT_MASTER_KEY=$(head -c 32 /dev/urandom | base64) EDGECERT_EDGE_DOMAIN=$domain \
  EDGECERT_JOB_WORKERS=0 \
    bench_start "$work/edgecert.log" java -Xmx512m ${EDGE_JAVA_OPTS:-} -jar "$jar" serve
  edge_pid=$bench_pid
  wait_for edgecert 60 curl -sf "http://127.0.0.1:$api_port/healthz"
  api() { curl -sS -H "Authorization: Bearer $token" -H 'Content-Type: application/json' "$@"; }
  # the default behavior follows the origin's Cache-Control (CloudFront's managed policy), every
  # method allowed (the suite PUTs its state), plain HTTP allowed
  behavior='"defaultCacheBehavior": {"targetOriginId": "suite", "viewerProtocolPolicy": "allow-all",
    "allowedMethods": ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"], "cachedMethods": ["GET", "HEAD"],
    "cachePolicyId": "4cc15a8a-d715-48a4-82b8-cc0b614638fe"},'
  create() { api -o "$work/distribution.json" -w '%{http_code}' "http://127.0.0.1:$api_port/api/v1/distributions" \
    -d "{\"aliases\": [], \"origins\": [{\"id\": \"suite\", \"url\": \"http://127.0.0.1:$origin_port\"}], $1
         \"defaultOriginId\": \"suite\", \"comment\": \"cache-tests\"}"; }
  status=$(create "$behavior")
  if [[ $status != 201 ]] && grep -q defaultCacheBehavior "$work/distribution.json"; then
    echo "edgecert: this build refuses defaultCacheBehavior ($status): the suite runs against a pass-through distribution"
    status=$(create "")
  fi
  [[ $status == 201 ]] || { echo "edgecert: creating the distribution failed ($status): $(cat "$work/distribution.json")" >&2; exit 1; }
  id=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).id)' "$work/distribution.json")
  name=$id.$domain
  deployed() { api "http://127.0.0.1:$api_port/api/v1/distributions/$id" | grep -q '"status" *: *"Deployed"' \
    && curl -skf --resolve "$name:$edge_https_port:127.0.0.1" "https://$name:$edge_https_port/package.json"; }
  wait_for "distribution $name" 30 deployed
  echo "edgecert: distribution $name, default behavior: $(node -e 'const d = JSON.parse(require("fs").readFileSync(process.argv[1]));
    const b = d.config.defaultCacheBehavior; console.log(b ? `cache policy ${b.cachePolicyId}, ${b.viewerProtocolPolicy}` : "none (pass-through)")' "$work/distribution.json")"
  run_suite edgecert "https://$name:$edge_https_port" ".$domain"
  node -e 'const [score, res] = process.argv.slice(1).map(f => JSON.parse(require("fs").readFileSync(f)));
    for (const kind of ["required", "optimal"]) for (const id of score.failing[kind]) {
      const r = res[id]; console.log(kind.padEnd(9), id.padEnd(48), r === undefined ? "not run" : JSON.stringify(r)) }' \
    "$work/edgecert.score.json" "$results/edgecert.json" > "$results/edgecert-failing.txt"
  bench_stop "$edge_pid"
fi

if wants nginx; then
  echo "== nginx $(nginx -v 2>&1 | sed 's/.*\///') with proxy_cache (the suite's docker/nginx/nginx.conf in Debian's nginx.conf)"
  n=$work/nginx; rm -rf "$n"; mkdir -p "$n/cache" "$n/logs"
  # Debian's /etc/nginx/nginx.conf http block, then the docker server block with its ports
  cat > "$n/nginx.conf" <<CONF
worker_processes 2; pid $n/nginx.pid; error_log $n/logs/error.log; user root; daemon off;
events { worker_connections 2048; }
http {
  sendfile on; tcp_nopush on; types_hash_max_size 2048;
  include /etc/nginx/mime.types; default_type application/octet-stream;
  access_log $n/logs/access.log; gzip on;
  client_body_temp_path $n/body; fastcgi_temp_path $n/fastcgi; uwsgi_temp_path $n/uwsgi; scgi_temp_path $n/scgi;
  proxy_cache_path $n/cache levels=1:2 keys_zone=my-cache:8m max_size=1000m inactive=600m;
  proxy_temp_path $n/cache/tmp;
  server {
    listen 127.0.0.1:$nginx_port;
    location / {
      proxy_pass http://127.0.0.1:$origin_port;
      proxy_cache my-cache;
      proxy_cache_revalidate on;
      proxy_http_version 1.1;
    }
  }
}
CONF
  bench_start "$n/logs/stderr.log" nginx -p "$n" -c "$n/nginx.conf" -e "$n/logs/error.log"
  nginx_pid=$bench_pid
  wait_for nginx 10 curl -sf "http://127.0.0.1:$nginx_port/package.json"
  run_suite nginx "http://127.0.0.1:$nginx_port"
  bench_stop "$nginx_pid"
fi

if wants varnish; then
  echo "== varnish $(varnishd -V 2>&1 | sed -n 's/.*(varnish-\([^ ]*\).*/\1/p;q') (Debian's default.vcl, the docker's varnishd parameters)"
  v=$work/varnish; rm -rf "$v"; mkdir -p "$v"
  sed "s/\"8080\"/\"$origin_port\"/" /etc/varnish/default.vcl > "$v/default.vcl"
  grep -q "\"$origin_port\"" "$v/default.vcl" || { echo "could not point /etc/varnish/default.vcl at the origin" >&2; exit 1; }
  bench_start "$v/varnishd.log" varnishd -F -n "$v/n" -a "127.0.0.1:$varnish_port" -T 127.0.0.1:0 -f "$v/default.vcl" \
    -p default_ttl=0 -p default_grace=0 -p default_keep=3600 -s malloc,64M
  varnish_pid=$bench_pid
  wait_for varnish 20 curl -sf "http://127.0.0.1:$varnish_port/package.json"
  run_suite varnish "http://127.0.0.1:$varnish_port"
  bench_stop "$varnish_pid"
fi

[[ -z $test_id ]] || exit 0
echo "== scores (required passed/total, optimal passed/total; published: httpd 141/69, Squid 138/59, Varnish 138/49, Caddy 138/44, ATS 136/74, HAProxy 126/40, nginx 115/66 of 163/107)"
for t in "${targets[@]}"; do printf '%-9s %s\n' "$t" "$(summary "$work/$t.score.json")"; done
if wants edgecert; then
  echo "edgecert failing ($(wc -l < "$results/edgecert-failing.txt")), with the suite's reason: $results/edgecert-failing.txt"
  cut -c1-150 "$results/edgecert-failing.txt"
  read -r req opt < <(node -e 'const s = JSON.parse(require("fs").readFileSync(process.argv[1])); console.log(s.required.passed, s.optimal.passed)' "$work/edgecert.score.json")
  if ((req < min_required || opt < min_optimal)); then
    echo "FAIL edgecert: required $req (at least $min_required), optimal $opt (at least $min_optimal)"; exit 1
  fi
fi
