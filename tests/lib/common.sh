# Shared helpers for integration tests (source this file). Provides:
#   $SILT, $SILT_ROOT, $SILT_BUILD, $SILT_FIXTURES (set by CTest; defaults for running by hand:
#                     the build directory is $SILT's if SILT is set, else $SILT_ROOT/build)
#   tmpdir            a scratch directory removed on exit (kept when SILT_KEEP_TMP is set)
#   free_port         prints a free TCP port on 127.0.0.1
#   start_service NAME PORT CMD...   starts CMD in the background, waits until PORT accepts
#                     connections (30 s), and stops it when the test exits
#   oracle ARGS...    runs the DuckDB oracle (tests/oracle/duckdb-rows.mjs)
#   fail MSG / pass MSG / assert_eq A B MSG
set -euo pipefail
SILT_ROOT=${SILT_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
if [ -z "${SILT_BUILD:-}" ]; then
  if [ -n "${SILT:-}" ]; then SILT_BUILD=$(cd "$(dirname "$SILT")" && pwd); else SILT_BUILD=$SILT_ROOT/build; fi
fi
SILT=${SILT:-$SILT_BUILD/silt}
SILT_FIXTURES=${SILT_FIXTURES:-$SILT_ROOT/../shared/fixtures}
export LC_ALL=C

tmpdir=$(mktemp -d "${TMPDIR:-/tmp}/silt-test.XXXXXX")
_silt_pids=()
_silt_cleanup() {
  local p
  for p in "${_silt_pids[@]:-}"; do
    [ -n "$p" ] || continue
    kill "$p" 2>/dev/null || true
  done
  for p in "${_silt_pids[@]:-}"; do
    [ -n "$p" ] || continue
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
  done
  if [ -n "${SILT_KEEP_TMP:-}" ]; then echo "kept $tmpdir" >&2; else rm -rf "$tmpdir"; fi
}
trap _silt_cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }
assert_eq() { [ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"; }

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();});'
}

wait_port() {
  local port=$1 tries=${2:-300}
  for _ in $(seq "$tries"); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  return 1
}

start_service() {
  local name=$1 port=$2; shift 2
  "$@" >"$tmpdir/$name.log" 2>&1 &
  local pid=$!
  _silt_pids+=("$pid")
  if ! wait_port "$port"; then
    cat "$tmpdir/$name.log" >&2
    fail "$name did not start listening on 127.0.0.1:$port"
  fi
  echo "$pid"
}

# (a query is handed over in a file: lists of thousands of Parquet files outgrow argv)
_oracle_n=0
oracle() {
  local a=() q
  while [ $# -gt 0 ]; do
    if [ "$1" = "--sql" ] && [ $# -ge 2 ]; then
      _oracle_n=$((_oracle_n + 1))
      q="$tmpdir/oracle.$_oracle_n.sql"
      printf '%s' "$2" >"$q"
      a+=(--sql-file "$q")
      shift 2
    else
      a+=("$1")
      shift
    fi
  done
  node "$SILT_ROOT/tests/oracle/duckdb-rows.mjs" "${a[@]}"
}
