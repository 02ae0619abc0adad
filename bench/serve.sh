#!/usr/bin/env bash
# `silt serve` under load (bench/serve.mjs does the work):
# 1. Requests/s and p50/p99 latency of GET /api/tables and GET /metrics under 100 connections
#    (autocannon from npm, SECS seconds each), against a peer measured in the same run: Node's
#    http server answering the very same bytes from memory (no catalog, no work). Goal: p99 <= 20 ms.
# 2. The pipeline's throughput with and without that load: `silt pipeline run
#    examples/ecommerce.sql --until-caught-up` over N pre-produced messages (kafka-dev, zstd) into
#    a fresh lake, rows per second from the first bronze commit to the last gold commit (as
#    bench/pipeline.sh counts), with `silt serve --nice 20` on that lake: idle, then with 100
#    connections on /api/tables and 100 on /metrics. The load generator runs in Linux's idle class
#    (chrt -i 0), standing for clients on other machines, so that its own CPU is not counted
#    against the server. Each run's bronze is checked to hold N rows. Goal: at most 10% slower
#    under load.
# Each part runs ROUNDS times and prints the median of the rounds.
# Usage: bench/serve.sh [BUILD_DIR]   (env SECS=5 N=600000 ROUNDS=3; SERVE_ARGS="--nice 0" adds
# options to part 1's silt serve, SERVE2_ARGS replaces part 2's "--nice 20")
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-${SILT_BUILD:-$root/build-release}}
export SILT=${SILT:-$build/silt} SILT_ROOT=$root SILT_BUILD=$build
[ -x "$SILT" ] || { echo "missing $SILT (build first)" >&2; exit 1; }
exec node "$root/bench/serve.mjs"
