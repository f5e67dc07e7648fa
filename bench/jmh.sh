#!/usr/bin/env bash
# JMH micro-benchmark of the import rules (issue 2, "Speed"): parse + validate + key check
# (ImportRules.check) for an RSA-2048 and an EC P-256 certificate, each with a 2-certificate chain
# whose root is in the trust store, once with every signature verified (check*) and once with the
# CA chain's signatures cached as in production (check*SharedChain); plus PEM parsing alone. Then,
# for scale, the same checks done the way a shell script does them with openssl (verify +
# modulus/public-key comparison).
#
#   bench/jmh.sh                 # defaults: -f 1 -wi 3 -i 5 -w 2s -r 3s, 1 thread
#   bench/jmh.sh -t 2            # extra arguments go to JMH (here: 2 threads)
#   SKIP_OPENSSL=1 bench/jmh.sh  # JMH only
set -euo pipefail
cd "$(dirname "$0")/.."

out=target/jmh
mkdir -p "$out"

# Maven: one build at a time on a small machine; offline unless MVN_OFFLINE=0.
mvn_cmd=(mvn -q)
[[ "${MVN_OFFLINE:-1}" == 1 ]] && mvn_cmd+=(-o)
command -v flock >/dev/null && mvn_cmd=(flock /tmp/edgecert-mvn.lock "${mvn_cmd[@]}")

echo "== building main and test classes"
"${mvn_cmd[@]}" test-compile
"${mvn_cmd[@]}" dependency:build-classpath -Dmdep.outputFile="$out/classpath.txt" -Dmdep.includeScope=test
cp="target/test-classes:target/classes:$(cat "$out/classpath.txt")"

echo "== JMH ImportRulesBenchmark ($(nproc 2>/dev/null || echo ?) cores)"
java -cp "$cp" org.openjdk.jmh.Main 'io.edgecert.bench.ImportRulesBenchmark' \
  -f 1 -wi 3 -i 5 -w 2s -r 3s -rf csv -rff "$out/result.csv" "$@"

# Score of one benchmark method from the CSV (ops/s).
score() { awk -F, -v b="\"io.edgecert.bench.ImportRulesBenchmark.$1\"" '$1 == b { print $5 }' "$out/result.csv"; }

if [[ "${SKIP_OPENSSL:-0}" == 1 ]] || ! command -v openssl >/dev/null \
   || [[ -z "$(score checkRsa2048)" || -z "$(score checkEcP256)" ]]; then
  exit 0   # no openssl, or a JMH filter left out a check to compare with
fi

echo
echo "== openssl baseline (per operation: openssl verify + certificate and key public-key extraction"
echo "   and comparison, i.e. 3 openssl processes, as a shell script checks a certificate)"
mat="$out/material"
java -cp "$cp" io.edgecert.bench.ImportRulesBenchmark "$mat" >/dev/null
n=${OPENSSL_ROUNDS:-200}

openssl_check() { # type: rsa|ec
  local t=$1
  openssl verify -CAfile "$mat/$t-root.pem" -untrusted "$mat/$t-intermediate.pem" "$mat/$t-leaf.pem" >/dev/null || return 1
  local a b
  if [[ $t == rsa ]]; then
    a=$(openssl x509 -noout -modulus -in "$mat/$t-leaf.pem")
    b=$(openssl rsa -noout -modulus -in "$mat/$t-key.pem")
  else
    a=$(openssl x509 -noout -pubkey -in "$mat/$t-leaf.pem")
    b=$(openssl pkey -pubout -in "$mat/$t-key.pem")
  fi
  [[ "$a" == "$b" ]]
}

declare -A ossl
for t in rsa ec; do
  openssl_check "$t" || { echo "openssl check of $t material failed" >&2; exit 1; }
  start=$(date +%s%N)
  for ((i = 0; i < n; i++)); do openssl_check "$t"; done
  end=$(date +%s%N)
  ossl[$t]=$(awk -v n="$n" -v ns=$((end - start)) 'BEGIN { printf "%.1f", n / (ns / 1e9) }')
done

jrsa=$(score checkRsa2048); jec=$(score checkEcP256); jpem=$(score pemRsa2048LeafAndChain)
echo
echo "================ import rules: JMH vs openssl ================"
printf '%-28s %14s %14s %10s\n' "check (2-cert chain)" "edgecert op/s" "openssl op/s" "ratio"
printf '%-28s %14.1f %14s %9.1fx\n' "RSA-2048 leaf" "$jrsa" "${ossl[rsa]}" "$(awk -v a="$jrsa" -v b="${ossl[rsa]}" 'BEGIN{print a/b}')"
printf '%-28s %14.1f %14s %9.1fx\n' "EC P-256 leaf" "$jec" "${ossl[ec]}" "$(awk -v a="$jec" -v b="${ossl[ec]}" 'BEGIN{print a/b}')"
jrsas=$(score checkRsa2048SharedChain); jecs=$(score checkEcP256SharedChain)
[[ -n "$jrsas" ]] && printf '%-28s %14.1f\n' "RSA-2048, CA chain cached" "$jrsas"
[[ -n "$jecs" ]] && printf '%-28s %14.1f\n' "EC P-256, CA chain cached" "$jecs"
[[ -n "$jpem" ]] && printf '%-28s %14.1f\n' "PEM parse only (RSA)" "$jpem"
echo "(JMH: one thread, warm JVM, in-process; the first two rows verify every signature, as openssl"
echo " does. openssl: $n rounds of 3 process starts each; most of its time is process start-up, so"
echo " the ratio says how much faster an API check is than a script's, not that the crypto is faster.)"
