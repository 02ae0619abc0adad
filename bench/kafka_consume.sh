#!/usr/bin/env bash
# Consumer throughput: pre-fills a topic on `silt kafka-dev` with N generated sales messages
# (~195 bytes of JSON keyed by TransactionNo, zstd-compressed batches over P partitions), then reads all of it with
# silt's consumer (tests/tools/kafka_consume.c, in a consumer group) and with
# `kcat -C -e -o beginning -q` in the same run, and prints msgs/s and the ratio.
# Usage: bench/kafka_consume.sh [BUILD_DIR]   (env N=1000000 P=12 RUNS=3)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-${SILT_BUILD:-$root/build}}
silt=${SILT:-$build/silt}
tool=$build/tool_kafka_consume
N=${N:-1000000}
P=${P:-12}
RUNS=${RUNS:-3}
for f in "$silt" "$tool"; do [ -x "$f" ] || { echo "missing $f (build first)" >&2; exit 1; }; done
command -v kcat >/dev/null || { echo "kcat not found" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/silt-bench.XXXXXX")
dev_pid=
cleanup() {
  [ -n "$dev_pid" ] && kill "$dev_pid" 2>/dev/null && wait "$dev_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

"$silt" kafka-dev --brokers 1 --topic "bench:$P" --bootstrap-file "$tmp/boot" >"$tmp/dev.log" 2>&1 &
dev_pid=$!
for _ in $(seq 100); do [ -s "$tmp/boot" ] && break; sleep 0.1; done
boot=$(cat "$tmp/boot")

echo "pre-filling bench ($P partitions) with $N messages, zstd..." >&2
"$silt" produce -b "$boot" -t bench --generate "$N" --seed 1 --key TransactionNo --compression zstd \
  kafka.linger.ms=200 kafka.batch.num.messages=20000 kafka.batch.size=4000000 2>"$tmp/produce.log"
tail -1 "$tmp/produce.log" >&2
have=$(kcat -C -e -q -o beginning -b "$boot" -t bench -f '\n' | wc -l)
if [ "$have" -ne "$N" ]; then
  echo "the topic holds $have of $N messages (mock partitions keep ~5 MiB each): raise P" >&2
  exit 1
fi
bytes=$(kcat -C -e -q -o beginning -b "$boot" -t bench -f '%S\n' | awk '{s += $1} END {print s}')
printf 'topic: %d messages, %d value bytes (avg %.0f B)\n' "$N" "$bytes" "$(echo "$bytes / $N" | bc -l)"

now_ns() { date +%s%N; }
best_kcat=0 best_silt=0 best_silt_wall=0
for run in $(seq "$RUNS"); do
  t0=$(now_ns)
  kcat -C -e -o beginning -q -b "$boot" -t bench >/dev/null
  t1=$(now_ns)
  kcat_rate=$(echo "$N / (($t1 - $t0) / 1000000000)" | bc -l)

  t0=$(now_ns)
  "$tool" -b "$boot" -t bench -g "bench-$run" --count "$N" --print none --batch 10000 \
    --timeout-ms 300000 2>"$tmp/silt.err"
  t1=$(now_ns)
  # The tool reports its rate from the first message on: the mock coordinator holds a new group
  # for group.initial.rebalance.delay (3 s) before the first assignment, which kcat (no group)
  # does not pay.
  silt_rate=$(sed -n 's/.* \([0-9.]*\) msgs\/s$/\1/p' "$tmp/silt.err")
  silt_wall=$(echo "$N / (($t1 - $t0) / 1000000000)" | bc -l)
  printf 'run %d: kcat %.0f msgs/s; silt consumer %.0f msgs/s (%.0f msgs/s wall, with group join)\n' \
    "$run" "$kcat_rate" "$silt_rate" "$silt_wall"
  best_kcat=$(echo "if ($kcat_rate > $best_kcat) $kcat_rate else $best_kcat" | bc -l)
  best_silt=$(echo "if ($silt_rate > $best_silt) $silt_rate else $best_silt" | bc -l)
  best_silt_wall=$(echo "if ($silt_wall > $best_silt_wall) $silt_wall else $best_silt_wall" | bc -l)
done
printf 'best of %d: kcat %.0f msgs/s, silt consumer %.0f msgs/s, ratio silt/kcat %.2f (wall incl. group join %.2f)\n' \
  "$RUNS" "$best_kcat" "$best_silt" "$(echo "$best_silt / $best_kcat" | bc -l)" \
  "$(echo "$best_silt_wall / $best_kcat" | bc -l)"
