#!/usr/bin/env bash
# silt's Parquet reader against DuckDB (the oracle) on every fixture file: parquet-testing, the
# Spark streaming table (data files and checkpoints) and delta-golden; files DuckDB cannot read
# are checked against their published expectations; malformed files must be refused clearly.
. "$(dirname "$0")/../lib/common.sh"

PT=$SILT_FIXTURES/parquet-testing
SST=$SILT_FIXTURES/spark-streaming-table
DG=$SILT_FIXTURES/delta-golden
[ -d "$PT" ] || fail "fixtures not found at $PT"
checked=0

# silt_rows FILE... : silt's canonical reading of the files, sorted
silt_rows() { printf '%s\n' "$@" | xargs -d '\n' -n 50 "$SILT" parquet cat --format canonical | sort; }

# compare_group NAME FILE... : one oracle query over files that share a schema
compare_group() {
  local name=$1; shift
  local list="" f
  for f in "$@"; do list="$list${list:+,}'${f//\'/\'\'}'"; done
  silt_rows "$@" >"$tmpdir/silt.txt" || fail "$name: silt failed"
  oracle --sql "SELECT * FROM read_parquet([$list], hive_partitioning=false)" >"$tmpdir/duck.txt" || fail "$name: oracle failed"
  if ! cmp -s "$tmpdir/silt.txt" "$tmpdir/duck.txt"; then
    diff "$tmpdir/silt.txt" "$tmpdir/duck.txt" | sed -n 1,20p >&2
    fail "$name: silt and DuckDB read different rows"
  fi
  checked=$((checked + $#))
}

# ---- parquet-testing: one file at a time
for f in "$PT"/*.parquet; do
  b=$(basename "$f")
  case "$b" in
  nation.dict-malformed.parquet | datapage_v1-corrupt-checksum.parquet | int96_from_spark.parquet) continue ;;
  esac
  compare_group "$b" "$f"
done

# ---- expectations where DuckDB is not the reference
# int96_from_spark.md: microseconds since the epoch, Spark semantics (DuckDB wraps the last one)
"$SILT" parquet cat --format canonical "$PT/int96_from_spark.parquet" >"$tmpdir/int96.txt"
cat >"$tmpdir/int96.expect" <<'X'
2024-01-01 20:34:56.123456
2024-01-01 01:00:00.000000
9999-12-31 03:00:00.000000
2024-12-30 23:00:00.000000
null
290000-12-30 23:00:00.000000
X
cmp -s "$tmpdir/int96.txt" "$tmpdir/int96.expect" || { diff "$tmpdir/int96.txt" "$tmpdir/int96.expect" >&2; fail "int96_from_spark differs from int96_from_spark.md"; }
checked=$((checked + 1))
# *_expect.csv: compare as CSV (silt's csv output, values unquoted)
for e in "$PT"/*_expect.csv; do
  f=${e%_expect.csv}.parquet
  "$SILT" parquet cat --format csv "$f" | tail -n +2 | tr -d '"' | sort >"$tmpdir/got.csv"
  tail -n +2 "$e" | tr -d '"\r' | sort >"$tmpdir/want.csv"
  cmp -s "$tmpdir/got.csv" "$tmpdir/want.csv" || { diff "$tmpdir/got.csv" "$tmpdir/want.csv" | sed -n 1,10p >&2; fail "$(basename "$f") differs from $(basename "$e")"; }
  checked=$((checked + 1))
done

# ---- refused files: exit 1 and a message naming the file, the column and the offset
if "$SILT" parquet cat "$PT/nation.dict-malformed.parquet" >/dev/null 2>"$tmpdir/err"; then
  fail "nation.dict-malformed.parquet was accepted"
fi
grep -q "nation.dict-malformed.parquet, column name, offset [0-9]" "$tmpdir/err" || { cat "$tmpdir/err" >&2; fail "malformed: unclear error"; }
set +e
"$SILT" parquet cat "$PT/datapage_v1-corrupt-checksum.parquet" >/dev/null 2>"$tmpdir/err"
rc=$?
set -e
assert_eq "$rc" 1 "corrupt checksum exit code"
grep -q "page checksum (CRC32) mismatch: the page is corrupt (.*datapage_v1-corrupt-checksum.parquet, column a, offset [0-9]" "$tmpdir/err" || { cat "$tmpdir/err" >&2; fail "checksum: unclear error"; }

# ---- the Spark streaming table: 421 data files, then the checkpoints, one query each
mapfile -t data < <(ls "$SST"/*.parquet)
[ "${#data[@]}" -eq 421 ] || fail "expected 421 data files, found ${#data[@]}"
compare_group "spark-streaming-table data" "${data[@]}"
mapfile -t cps < <(ls "$SST"/_delta_log/*.parquet)
compare_group "spark-streaming-table checkpoints" "${cps[@]}"

# ---- delta-golden: group files by schema so each group is one oracle query
declare -A groups
while IFS= read -r f; do
  key=$("$SILT" parquet schema "$f" | sed -n '/^silt schema:/,$p' | md5sum | cut -c1-12)
  groups[$key]+="$f"$'\n'
done < <(find "$DG" -name '*.parquet' | sort)
for key in "${!groups[@]}"; do
  mapfile -t files < <(printf '%s' "${groups[$key]}")
  compare_group "delta-golden ${files[0]} (and files of the same schema)" "${files[@]}"
done

pass "$checked Parquet files read exactly as DuckDB (or the expectations) read them; 2 bad files refused"
