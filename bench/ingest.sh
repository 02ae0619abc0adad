#!/usr/bin/env bash
# Ingestion throughput and latency.
# 1. Throughput: a topic on `silt kafka-dev` pre-filled with N generated sales messages (~195 B of
#    JSON, zstd-compressed batches over P partitions); `silt ingest --until-caught-up` into a
#    fresh bronze table vs `kcat -C -e -o beginning -q > /dev/null` on the same topic, same run.
#    silt's rate is counted from its first message to its last commit (the mock cluster makes a
#    new consumer group wait 3 s before its first assignment, which kcat, without a group, does
#    not pay); the wall-clock figures are printed too. ROUNDS rounds; the median ratio is
#    reported. Goal: silt >= 0.9 x kcat.
# 2. Latency: messages produced at RATE msgs/s for SECS seconds while `silt ingest --trigger
#    250ms` runs; p50/p99 from each message's Kafka timestamp (producer create time) to the
#    commit that made it visible.
# Usage: bench/ingest.sh [BUILD_DIR]   (env N=1000000 P=12 RATE=10000 SECS=10 ROUNDS=3)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-${SILT_BUILD:-$root/build-release}}
silt=${SILT:-$build/silt}
N=${N:-1000000}
P=${P:-12}
RATE=${RATE:-10000}
SECS=${SECS:-10}
ROUNDS=${ROUNDS:-3}
[ -x "$silt" ] || { echo "missing $silt (build first)" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/silt-bench.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
"$silt" kafka-dev --brokers 1 --topic "bench:$P" --topic "lat:6" --bootstrap-file "$tmp/boot" \
  >"$tmp/dev.log" 2>&1 &
pids+=("$!")
for _ in $(seq 100); do [ -s "$tmp/boot" ] && break; sleep 0.1; done
boot=$(cat "$tmp/boot")
K=(kafka.session.timeout.ms=6000)

echo "pre-filling bench ($P partitions) with $N messages, zstd..."
"$silt" produce -b "$boot" -t bench --generate "$N" --seed 1 --key TransactionNo --compression zstd \
  kafka.linger.ms=200 kafka.batch.num.messages=20000 kafka.batch.size=4000000 2>"$tmp/produce.log"
have=$(kcat -C -e -q -o beginning -b "$boot" -t bench -f '\n' | wc -l)
[ "$have" -eq "$N" ] || { echo "topic holds $have of $N messages: raise P" >&2; exit 1; }

now() { date +%s.%N; }
# ROUNDS rounds, each kcat then silt on the same topic (a fresh table and group each time); the
# ratio reported is the median of the rounds' ratios, as the machine is noisy.
ratios=()
wall_ratios=()
for r in $(seq "$ROUNDS"); do
  t0=$(now); kcat -C -e -q -o beginning -b "$boot" -t bench >/dev/null; t1=$(now)
  kcat_s=$(echo "$t1 - $t0" | bc -l)
  # the same in a consumer group, as silt reads: joining costs kcat what it costs silt
  t0=$(now); kcat -b "$boot" -G "kcat-bench-$r" -o beginning -e -q -X session.timeout.ms=6000 bench \
    >/dev/null; t1=$(now)
  kcatg_s=$(echo "$t1 - $t0" | bc -l)
  t0=$(now)
  "$silt" ingest -b "$boot" -t bench --table "$tmp/bronze$r" --until-caught-up --trigger 250ms \
    --progress 0 "${K[@]}" 2>"$tmp/ingest$r.log"
  t1=$(now)
  wall_s=$(echo "$t1 - $t0" | bc -l)
  active_s=$(sed -n 's/.*from first message to last commit: \([0-9.]*\) s.*/\1/p' "$tmp/ingest$r.log")
  grep -q "ingest: done: $N rows" "$tmp/ingest$r.log" || { cat "$tmp/ingest$r.log" >&2; exit 1; }
  size=$(du -sb "$tmp/bronze$r" | cut -f1)
  ratio=$(echo "$kcat_s / $active_s" | bc -l)
  ratios+=("$ratio")
  wall_ratios+=("$(echo "$kcatg_s / $wall_s" | bc -l)")
  echo "round $r:"
  printf '  kcat -C -e:                 %8.0f msgs/s (%.2f s)\n' "$(echo "$N / $kcat_s" | bc -l)" "$kcat_s"
  printf '  silt ingest (active):       %8.0f msgs/s (%.2f s from first message to last commit)\n' \
    "$(echo "$N / $active_s" | bc -l)" "$active_s"
  printf '  kcat -G -e (wall clock):    %8.0f msgs/s (%.2f s with group join and leave)\n' \
    "$(echo "$N / $kcatg_s" | bc -l)" "$kcatg_s"
  printf '  silt ingest (wall clock):   %8.0f msgs/s (%.2f s with group join and leave)\n' \
    "$(echo "$N / $wall_s" | bc -l)" "$wall_s"
  printf '  ratio silt/kcat (active):   %.2f; bronze table %.1f MB on disk\n' "$ratio" \
    "$(echo "$size / 1000000" | bc -l)"
  rm -rf "$tmp/bronze$r"
done
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END{print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
printf 'ratio silt/kcat (active vs kcat -C), median of %d rounds: %.2f   (goal >= 0.90)\n' "$ROUNDS" \
  "$(median "${ratios[@]}")"
printf 'ratio silt/kcat (wall clock vs kcat -G), median of %d rounds: %.2f\n' "$ROUNDS" \
  "$(median "${wall_ratios[@]}")"

echo "latency: $RATE msgs/s for ${SECS}s, trigger 250ms"
"$silt" ingest -b "$boot" -t lat --table "$tmp/lat" --trigger 250ms --progress 0 "${K[@]}" \
  2>"$tmp/lat.log" &
ing=$!
pids+=("$ing")
for _ in $(seq 100); do grep -q "assigned lat" "$tmp/lat.log" && break; sleep 0.1; done
"$silt" produce -b "$boot" -t lat --generate $((RATE * SECS)) --rate "$RATE" kafka.linger.ms=5 \
  2>"$tmp/lat-produce.log"
sleep 1
kill -INT "$ing"
wait "$ing" || true
grep "latency from produce to commit" "$tmp/lat.log" | sed 's/.*latency/latency/'
