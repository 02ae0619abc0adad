#!/usr/bin/env bash
# `silt serve` under load (bench/serve.mjs does the work):
# 1. Requests/s and p50/p99 latency of GET /api/tables and GET /metrics under 100 connections
#    (autocannon from npm, SECS seconds each), against a peer measured in the same run: Node's
#    http server answering the very same bytes from memory (no catalog, no work). Goal: p99 <= 20 ms.
# 2. The pipeline's throughput with and without that load: `silt ingest --until-caught-up` of N
#    pre-produced messages (kafka-dev, zstd) into a fresh table of the served lake, alone and then
#    while 100 connections hit /api/tables and /metrics. Goal: at most 10% slower under load.
# Each part runs ROUNDS times and prints the median of the rounds.
# Usage: bench/serve.sh [BUILD_DIR]   (env SECS=5 N=300000 ROUNDS=3; SERVE_ARGS="--nice 0" adds
# options to silt serve)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-${SILT_BUILD:-$root/build-release}}
export SILT=${SILT:-$build/silt} SILT_ROOT=$root SILT_BUILD=$build
[ -x "$SILT" ] || { echo "missing $SILT (build first)" >&2; exit 1; }
exec node "$root/bench/serve.mjs"
