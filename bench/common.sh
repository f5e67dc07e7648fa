# Shell the bench scripts share: source it from a script that has cd'd to the repository's root.
#   source bench/common.sh
# Servers started with bench_start are stopped on exit (also on Ctrl-C and TERM).

bench_pids=()
bench_cleanup() {
  local p
  for p in "${bench_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${bench_pids[@]}"; do wait "$p" 2>/dev/null || true; done
  bench_pids=()
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

# bench_start LOG COMMAND...: runs a server in the background, its pid in $bench_pid
bench_start() {
  local log=$1; shift
  "$@" > "$log" 2>&1 &
  bench_pid=$!; bench_pids+=("$bench_pid")
}
# bench_stop PID: stops one server that bench_start started
bench_stop() {
  kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true
  local kept=() p; for p in "${bench_pids[@]}"; do [[ $p == "$1" ]] || kept+=("$p"); done; bench_pids=("${kept[@]}")
}
# wait_for WHAT SECONDS COMMAND...: until the command succeeds, else fails saying what did not come up
wait_for() {
  local what=$1 secs=$2 i; shift 2
  for ((i = 0; i < secs * 10; i++)); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "$what did not come up within ${secs}s" >&2; return 1
}
wait_healthz() { until curl -sf "http://127.0.0.1:$1/healthz" >/dev/null; do sleep 0.1; done; } # API port

median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "n/a"; else printf "%.2f", a / b }'; }
# used heap after a full GC, KB (a JVM's pid)
used_heap_kb() { jcmd "$1" GC.run >/dev/null; sleep 1; jstat -gc "$1" | awk 'NR==2 {printf "%d", $3+$4+$6+$8}'; }
# resident set of processes and their children, KB (nginx: the master's pid gives master + workers)
rss_kb() {
  local pids=("$@") p
  for p in "$@"; do pids+=($(pgrep -P "$p" || true)); done
  ps -o rss= -p "$(IFS=,; echo "${pids[*]}")" | awk '{ s += $1 } END { printf "%d", s }'
}
