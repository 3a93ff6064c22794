#!/usr/bin/env bash
# Whole-process merge benchmark (BENCHMARKS.md): cp of one input, mergelab merge with linear, ties, dare_ties,
# model_stock and slerp, and a numpy memory-mapped linear merge, on 2 GiB F32 (and 1 GiB BF16) checkpoints; then the
# long tensors (a [32000, 4096] F16 embedding, a 150M-element F32 tensor) and a Llama-7B-shaped sharded BF16 model
# scaled down to LAYERS decoder layers (default 4, ~2.1 GB per checkpoint in 3 shards; LAYERS=0 skips it).
# Usage: bench/merge-benchmark.sh [WORKDIR] [DTYPES="F32 BF16"]   (needs ~20 GB free in WORKDIR; default /tmp/mergelab-bench)
# Inputs: base, a, b, each 16 tensors of 32 Mi elements ([8192, 4096]), written once by gen_checkpoint.py.
# JVM: $JAVA (default: a JDK 25 under /usr/lib/jvm), -Xmx${XMX:-1g} --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector
# (the launcher's options: the Vector API conversions), and the launcher's class-data sharing archive (CDS=off: none).
# Each figure is one run, page cache warm (every input is read once before), but cp's is the fastest of three; peak
# RSS is /usr/bin/time's maximum resident set (it counts the touched pages of mapped inputs). "hashing" rows run with
# the lineage hash cache off (every input hashed); the other mergelab rows with a warm cache (MERGELAB_HASH_CACHE in
# WORKDIR), i.e. no hashing.
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-/tmp/mergelab-bench}
dtypes=${2:-F32 BF16}
mkdir -p "$work"
mvn -B -q -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >/dev/null
cp_="target/mergelab.jar:$(cat target/classpath.txt)"
java_bin=${JAVA:-$(ls -d /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -1)}
# Class-data sharing as the launcher has it from the second run of `merge` on: an archive recorded by one small merge
# (CDS=off measures without it).
cds=()
if [ "${CDS:-on}" != off ]; then
  rm -f "$work/merge.jsa"
  python3 bench/gen_checkpoint.py "$work/cds-a.safetensors" 1 2 8192 F32
  python3 bench/gen_checkpoint.py "$work/cds-b.safetensors" 2 2 8192 F32
  mkdir -p "$work/cds-a" "$work/cds-b"
  mv "$work/cds-a.safetensors" "$work/cds-a/model.safetensors"; mv "$work/cds-b.safetensors" "$work/cds-b/model.safetensors"
  printf 'models:\n  - model: %s\n  - model: %s\nmerge_method: linear\n' "$work/cds-a" "$work/cds-b" > "$work/cds.yaml"
  rm -rf "$work/out"
  "${java_bin:-java}" -XX:ArchiveClassesAtExit="$work/merge.jsa" -Xlog:cds=off -Xlog:cds+dynamic=off -Xmx${XMX:-1g} \
      --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -cp "$cp_" org.mergelab.cli.MergelabCommand \
      merge "$work/cds.yaml" --out "$work/out" >/dev/null 2>&1
  rm -rf "$work/out"
  cds=(-XX:SharedArchiveFile="$work/merge.jsa" -Xlog:cds=off -Xlog:cds+dynamic=off)
fi
jvm=("${java_bin:-java}" "${cds[@]}" -Xmx${XMX:-1g} --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -cp "$cp_" org.mergelab.cli.MergelabCommand merge)
# the same with the scalar conversion loops instead of the Vector API kernels (rows "*-scalar")
jvm_scalar=("${jvm[0]}" -Dmergelab.scalarKernels=true "${jvm[@]:1}")
export MERGELAB_HASH_CACHE="$work/hash-cache"

measure() { # label input_bytes command... ; prints: label seconds peak_rss_mib
  local log; log=$(mktemp)
  sync; /usr/bin/time -f '%e %M' -o "$log" "${@:3}" >/dev/null 2>"$log.err" || { cat "$log.err"; exit 1; }
  read -r secs kb < "$log"; rm -f "$log" "$log.err"
  echo "$1 $secs $((kb / 1024)) $2"
}
measure_copy() { # label input_bytes source : the fastest of three copies of source (the first copy after a sync
  # often waits for the writeback of the runs before it: 4 to 7 s against 0.5 to 0.9 s for the 2 GiB F32 file)
  local best="" line i
  for i in 1 2 3; do
    line=$(measure "$1" "$2" cp -r "$3" "$work/copy"); rm -rf "$work/copy"
    if [ -z "$best" ] || awk -v a="$(echo "$line" | cut -d' ' -f2)" -v b="$(echo "$best" | cut -d' ' -f2)" 'BEGIN { exit !(a < b) }'; then
      best=$line
    fi
  done
  echo "$best"
}
unmeasured() { # command... : runs it quietly (the JVM's incubator-module warning included); its error on failure
  "$@" >/dev/null 2>"$work/unmeasured.err" || { cat "$work/unmeasured.err"; exit 1; }
}
recipe() { # method dtype -> path
  local m=$1 d=$2 f="$work/$1-$2.yaml" a="$work/a-$2" b="$work/b-$2" base="$work/base-$2"
  case $m in
    linear) printf 'models:\n  - model: %s\n  - model: %s\nmerge_method: linear\n' "$a" "$b" ;;
    ties|dare_ties) printf 'models:\n  - model: %s\n    parameters: {density: 0.2}\n  - model: %s\n    parameters: {density: 0.2}\nmerge_method: %s\nbase_model: %s\n' "$a" "$b" "$m" "$base" ;;
    model_stock) printf 'models:\n  - model: %s\n  - model: %s\nmerge_method: model_stock\nbase_model: %s\n' "$a" "$b" "$base" ;;
    slerp) printf 'models:\n  - model: %s\n  - model: %s\nmerge_method: slerp\nbase_model: %s\nparameters: {t: 0.3}\n' "$a" "$b" "$a" ;;
  esac > "$f"
  echo "$f"
}

echo "# $(date -u +%FT%TZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "label seconds peak_rss_mib input_bytes"
for dtype in $dtypes; do
  seed=0
  for m in base a b; do
    seed=$((seed + 1))
    mkdir -p "$work/$m-$dtype"
    [ -f "$work/$m-$dtype/model.safetensors" ] || python3 bench/gen_checkpoint.py "$work/$m-$dtype/model.safetensors" \
        "$seed" 16 $((32 << 20)) "$dtype"
  done
  size=$(stat -c %s "$work/a-$dtype/model.safetensors")
  cat "$work"/*-"$dtype"/model.safetensors > /dev/null   # warm the page cache
  rm -rf "$work/copy" "$work/out" "$work/np.safetensors"
  measure_copy "$dtype/cp" "$size" "$work/a-$dtype/model.safetensors"
  measure "$dtype/numpy-linear" $((2 * size)) python3 bench/numpy_linear.py "$work/a-$dtype/model.safetensors" \
      "$work/b-$dtype/model.safetensors" "$work/np.safetensors"; rm -f "$work/np.safetensors"
  measure "$dtype/linear+hashing" $((2 * size)) env MERGELAB_HASH_CACHE=off "${jvm[@]}" "$(recipe linear "$dtype")" --out "$work/out"; rm -rf "$work/out"
  unmeasured "${jvm[@]}" "$(recipe model_stock "$dtype")" --out "$work/out"; rm -rf "$work/out"  # hashes cached
  for m in linear ties dare_ties model_stock slerp; do
    case $m in linear|slerp) inputs=$((2 * size)) ;; *) inputs=$((3 * size)) ;; esac
    measure "$dtype/$m" "$inputs" "${jvm[@]}" "$(recipe "$m" "$dtype")" --out "$work/out"; rm -rf "$work/out"
  done
  for m in linear ties; do
    case $m in linear) inputs=$((2 * size)) ;; *) inputs=$((3 * size)) ;; esac
    measure "$dtype/$m-scalar" "$inputs" "${jvm_scalar[@]}" "$(recipe "$m" "$dtype")" --out "$work/out"
    rm -rf "$work/out"
  done
done
long_tensor() { # label kind first_seed elements dtype methods... : base, a, b of one tensor, then each method
  local label=$1 kind=$2 seed=$3 elements=$4 dtype=$5 m inputs size
  shift 5
  for m in base a b; do
    seed=$((seed + 1))
    mkdir -p "$work/$m-$kind"
    [ -f "$work/$m-$kind/model.safetensors" ] || python3 bench/gen_checkpoint.py "$work/$m-$kind/model.safetensors" \
        "$seed" 1 "$elements" "$dtype"
  done
  cat "$work"/*-"$kind"/model.safetensors > /dev/null
  size=$(stat -c %s "$work/a-$kind/model.safetensors")
  unmeasured "${jvm[@]}" "$(recipe model_stock "$kind")" --out "$work/out"; rm -rf "$work/out"  # hashes cached
  for m in "$@"; do
    case $m in linear|slerp) inputs=$((2 * size)) ;; *) inputs=$((3 * size)) ;; esac
    measure "$label/$m" "$inputs" "${jvm[@]}" "$(recipe "$m" "$kind")" --out "$work/out"; rm -rf "$work/out"
  done
}
# One [32000, 4096] F16 tensor (a 7B model's embedding, 131 Mi elements), the case that ran out of the launcher's
# 1 GB heap with TIES and DARE-TIES before the statistics were gathered in bounded memory.
long_tensor embedding-F16 EMB 10 $((32000 * 4096)) F16 linear ties dare_ties model_stock
# One F32 tensor of 150M elements ([36622, 4096], 600 MB per file).
long_tensor 150M-F32 LONG 20 $((36622 * 4096)) F32 linear ties dare_ties model_stock slerp
# A Llama-7B-shaped model (embed_tokens, q/k/v/o [4096, 4096], gate/up [11008, 4096], down [4096, 11008], norms,
# lm_head), BF16, sharded at 10^9 bytes, with LAYERS decoder layers; the output is sharded the same way.
layers=${LAYERS:-4}
if [ "$layers" -gt 0 ]; then
  seed=30
  for m in base a b; do
    seed=$((seed + 1))
    [ -f "$work/$m-LLAMA$layers/model.safetensors.index.json" ] || python3 bench/gen_llama_shards.py \
        "$work/$m-LLAMA$layers" "$seed" "$layers"
  done
  cat "$work"/*-LLAMA"$layers"/*.safetensors > /dev/null
  size=$(cat "$work/a-LLAMA$layers"/*.safetensors | wc -c)
  measure_copy "7B-shaped-$layers-layers/cp" "$size" "$work/a-LLAMA$layers"
  unmeasured "${jvm[@]}" "$(recipe model_stock LLAMA$layers)" --out "$work/out"; rm -rf "$work/out"
  for m in linear ties dare_ties model_stock slerp; do
    case $m in linear|slerp) inputs=$((2 * size)) ;; *) inputs=$((3 * size)) ;; esac
    measure "7B-shaped-$layers-layers/$m" "$inputs" "${jvm[@]}" "$(recipe "$m" LLAMA$layers)" --out "$work/out" \
        --max-shard-size 1GB
    rm -rf "$work/out"
  done
fi
