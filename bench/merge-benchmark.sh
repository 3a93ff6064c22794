#!/usr/bin/env bash
# Whole-process merge benchmark: cp of one input vs mergelab merge (linear, ties) of 2 GiB checkpoints.
# Usage: bench/merge-benchmark.sh [WORKDIR] [DTYPE=F32|BF16]   (needs ~12 GB free in WORKDIR; default /tmp/mergelab-bench)
# Inputs: base, a, b, each 16 tensors of 32Mi elements (128 MiB per tensor as F32, 64 MiB as BF16).
# JVM: $JAVA (default: a JDK 25 under /usr/lib/jvm), -Xmx${XMX:-1g} --enable-native-access=ALL-UNNAMED; peak RSS is /usr/bin/time's "Maximum resident set size".
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-/tmp/mergelab-bench}
dtype=${2:-F32}
mkdir -p "$work"
mvn -B -q -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >/dev/null
cp_="target/mergelab.jar:$(cat target/classpath.txt)"
seed=0
for m in base a b; do
  seed=$((seed + 1))
  mkdir -p "$work/$m-$dtype"
  [ -f "$work/$m-$dtype/model.safetensors" ] || python3 bench/gen_checkpoint.py "$work/$m-$dtype/model.safetensors" \
      "$seed" 16 $((32 << 20)) "$dtype"
done
cat "$work"/*-"$dtype"/model.safetensors > /dev/null   # warm the page cache
printf 'models:\n  - model: %s\n  - model: %s\nmerge_method: linear\n' "$work/a-$dtype" "$work/b-$dtype" > "$work/linear.yaml"
printf 'models:\n  - model: %s\n    parameters: {density: 0.2}\n  - model: %s\n    parameters: {density: 0.2}\nmerge_method: ties\nbase_model: %s\n' \
  "$work/a-$dtype" "$work/b-$dtype" "$work/base-$dtype" > "$work/ties.yaml"
measure() { # label command...
  local log; log=$(mktemp)
  sync; /usr/bin/time -v "${@:2}" 2> "$log" >/dev/null || { cat "$log"; exit 1; }
  local wall rss
  wall=$(grep 'Elapsed (wall clock)' "$log" | awk '{print $NF}' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(grep 'Maximum resident set size' "$log" | awk '{print $NF}')
  echo "$1 $wall $rss"; rm -f "$log"
}
rm -rf "$work/copy" "$work/out-linear" "$work/out-ties"
read -r _ copy_s copy_kb < <(measure copy cp "$work/a-$dtype/model.safetensors" "$work/copy")
java_bin=${JAVA:-$(ls -d /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -1)}
jvm=("${java_bin:-java}" -Xmx${XMX:-1g} --enable-native-access=ALL-UNNAMED -cp "$cp_" org.mergelab.cli.MergelabCommand merge)
read -r _ lin_s lin_kb < <(measure linear "${jvm[@]}" "$work/linear.yaml" --out "$work/out-linear")
read -r _ ties_s ties_kb < <(measure ties "${jvm[@]}" "$work/ties.yaml" --out "$work/out-ties")
echo "dtype=$dtype copy_s=$copy_s copy_rss_mib=$((copy_kb / 1024))"
awk -v c="$copy_s" -v m="$lin_s" -v r="$lin_kb" 'BEGIN { printf "linear merge_s=%s copy/merge=%.2f peak_rss_mib=%d\n", m, c/m, r/1024 }'
awk -v c="$copy_s" -v m="$ties_s" -v r="$ties_kb" 'BEGIN { printf "ties   merge_s=%s copy/merge=%.2f peak_rss_mib=%d\n", m, c/m, r/1024 }'
rm -rf "$work/copy" "$work/out-linear" "$work/out-ties"
