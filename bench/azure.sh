#!/usr/bin/env bash
# Azure store benchmark, Azurite (npm azurite, in memory) against local disk in the same run.
# 1. Ingest: a topic on `silt kafka-dev` pre-filled with N generated sales messages (zstd, keyed,
#    P partitions); `silt ingest --until-caught-up --trigger 1s` into a local bronze table, then
#    into one on Azurite: rows/s from first message to last commit, and p50/p99 commit latency
#    (from the batch's cut to its Delta commit, from the debug log). Goal: Azure >= 80% of local.
# 2. Snapshot load of a COMMITS-commit table on Azurite, JSON commits only vs its checkpoint
#    (bench_azure_log).
# 3. Pipeline: `silt pipeline run examples/ecommerce.sql --until-caught-up` over PN generated
#    messages with the whole lake on local disk, then on Azurite: wall-clock rows/s (the mock
#    cluster's group join included in both) and the ratio.
# Usage: bench/azure.sh [BUILD_DIR]   (env N=1000000 P=6 COMMITS=10000 PN=200000; PARTS="ingest
#   snapshot pipeline" by default, PARTS=snapshot for the snapshot load alone; RTT_MS=N: the
#   snapshot and pipeline parts through tests/tools/fault_proxy.mjs delaying every answer N ms,
#   as a real service's round trip does)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-${SILT_BUILD:-}}
if [ -z "$build" ]; then
  if [ -x "$root/build-release/silt" ]; then build=$root/build-release; else build=$root/build; fi
fi
silt=$build/silt
N=${N:-1000000}
P=${P:-6}
COMMITS=${COMMITS:-10000}
PN=${PN:-200000}
PARTS=${PARTS:-ingest snapshot pipeline}
RTT_MS=${RTT_MS:-0}
[ -x "$silt" ] && [ -x "$build/tool_az_admin" ] && [ -x "$build/bench_azure_log" ] ||
  { echo "azure.sh: build silt, tool_az_admin and bench_azure_log first" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/silt-bench.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

node "$root/tests/tools/azurite.mjs" --dir "$tmp/azurite" --port-file "$tmp/az.port" --memory \
  >"$tmp/azurite.log" 2>&1 &
pids+=("$!")
"$silt" kafka-dev --brokers 1 --topic "bench:$P" --bootstrap-file "$tmp/boot" >"$tmp/dev.log" 2>&1 &
pids+=("$!")
for _ in $(seq 300); do [ -s "$tmp/az.port" ] && [ -s "$tmp/boot" ] && break; sleep 0.1; done
export AZURE_STORAGE_USE_EMULATOR=true
export AZURE_STORAGE_ENDPOINT="http://127.0.0.1:$(cat "$tmp/az.port")/devstoreaccount1"
boot=$(cat "$tmp/boot")
"$build/tool_az_admin" mkcontainer az://bench

if [[ " $PARTS " == *" ingest "* ]]; then
  echo "pre-filling bench ($P partitions) with $N messages, zstd..."
  "$silt" produce -b "$boot" -t bench --generate "$N" --seed 1 --key TransactionNo --compression zstd \
    kafka.linger.ms=200 kafka.batch.num.messages=20000 kafka.batch.size=4000000 2>"$tmp/produce.log"

  pct() { sort -g | awk -v p="$1" '{v[NR]=$1} END {i=int(NR*p); if (i<1) i=1; print v[i]}'; }
  run() { # run NAME TABLE: one caught-up ingest; prints its figures, sets $rate
    local name=$1 table=$2
    SILT_LOG_LEVEL=debug "$silt" ingest -b "$boot" -t bench --table "$table" --group "g-$name" \
      --until-caught-up --trigger 1s --progress 0 kafka.session.timeout.ms=6000 2>"$tmp/$name.log"
    grep -q "ingest: done: $N rows" "$tmp/$name.log" || { tail -5 "$tmp/$name.log" >&2; exit 1; }
    rate=$(sed -n 's/.*from first message to last commit: [0-9.]* s, \([0-9]*\) rows\/s.*/\1/p' "$tmp/$name.log")
    sed -n 's/.*ingest: committed .* ms after the cut.*/&/p' "$tmp/$name.log" |
      sed 's/.*, \([0-9.]*\) ms after the cut.*/\1/' >"$tmp/$name.lat"
    printf '  %-6s %8d rows/s, %3d commits, commit latency p50 %6.1f ms, p99 %6.1f ms\n' "$name" \
      "$rate" "$(wc -l <"$tmp/$name.lat")" "$(pct 0.5 <"$tmp/$name.lat")" "$(pct 0.99 <"$tmp/$name.lat")"
  }
  echo "ingest, trigger 1s, until caught up:"
  run local "$tmp/bronze"
  local_rate=$rate
  run azure az://bench/bronze
  azure_rate=$rate
  printf 'ingest into Azurite / local: %.2f   (goal >= 0.80)\n' "$(echo "$azure_rate / $local_rate" | bc -l)"
fi

endpoint=$AZURE_STORAGE_ENDPOINT
if [ "$RTT_MS" -gt 0 ]; then
  node "$root/tests/tools/fault_proxy.mjs" --port-file "$tmp/proxy.port" \
    --target "http://127.0.0.1:$(cat "$tmp/az.port")" --pdelay 1 --delay-ms "$RTT_MS" \
    >"$tmp/proxy.log" 2>&1 &
  pids+=("$!")
  for _ in $(seq 100); do [ -s "$tmp/proxy.port" ] && break; sleep 0.1; done
  endpoint="http://127.0.0.1:$(cat "$tmp/proxy.port")/devstoreaccount1"
fi

if [[ " $PARTS " == *" snapshot "* ]]; then
  echo "snapshot load, $COMMITS commits on Azurite (answers delayed $RTT_MS ms):"
  AZURE_STORAGE_ENDPOINT=$endpoint "$build/bench_azure_log" az://bench/log "$COMMITS" |
    sed 's/^/  /'
fi

if [[ " $PARTS " == *" pipeline "* ]]; then
  "$silt" kafka-dev --brokers 1 --topic "pipe:$P" --bootstrap-file "$tmp/pboot" >"$tmp/pdev.log" 2>&1 &
  pids+=("$!")
  for _ in $(seq 100); do [ -s "$tmp/pboot" ] && break; sleep 0.1; done
  pboot=$(cat "$tmp/pboot")
  echo "pre-filling pipe ($P partitions) with $PN messages, zstd..."
  "$silt" produce -b "$pboot" -t pipe --generate "$PN" --seed 1 --compression zstd \
    kafka.linger.ms=200 kafka.batch.num.messages=20000 kafka.batch.size=4000000 2>"$tmp/pproduce.log"
  prun() { # prun NAME LAKE: one caught-up pipeline run; sets $prate (rows/s, wall clock)
    local t0 t1
    t0=$(date +%s.%N)
    AZURE_STORAGE_ENDPOINT=$endpoint "$silt" pipeline run "$root/examples/ecommerce.sql" \
      --lake "$2" --var "KAFKA=$pboot" \
      --var TOPIC=pipe --until-caught-up --trigger 250ms --progress 0 2>"$tmp/p$1.log" ||
      { tail -5 "$tmp/p$1.log" >&2; exit 1; }
    t1=$(date +%s.%N)
    prate=$(echo "$PN / ($t1 - $t0)" | bc -l)
    printf '  %-6s %8.0f rows/s (%.1f s)\n' "$1" "$prate" "$(echo "$t1 - $t0" | bc -l)"
  }
  echo "pipeline examples/ecommerce.sql, until caught up, every table local / on Azurite (answers delayed $RTT_MS ms):"
  prun local "$tmp/plake"
  plocal=$prate
  prun azure az://bench/plake
  printf 'pipeline on Azurite / local: %.2f\n' "$(echo "$prate / $plocal" | bc -l)"
fi
