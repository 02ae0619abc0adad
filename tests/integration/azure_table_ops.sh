#!/usr/bin/env bash
# Delta table operations on Azurite: four concurrent writers through the fault-injecting proxy
# (500, 503, resets, delays and answers dropped after the request was applied) leave contiguous
# versions with every commit's rows once; OPTIMIZE, CHECKPOINT, time travel and VACUUM on a
# table in Azure give the same rows as before and leave what DuckDB reads from a download.
source "$SILT_ROOT/tests/lib/common.sh"
source "$SILT_ROOT/tests/lib/azure.sh"
SILT_BUILD=${SILT_BUILD:-$SILT_ROOT/build}
W=$SILT_BUILD/tool_delta_writer

azurite --memory
fault_proxy --seed 7
az_container lake

# ---- four concurrent writers through the faults ----
T=az://lake/concurrent
"$W" create "$T" >/dev/null || fail "cannot create $T"
faults '{"p500":0.03,"p503":0.02,"preset":0.03,"pdelay":0.05,"pdrop":0.04}' >/dev/null
pids=()
for k in 1 2 3 4; do
  AZURE_STORAGE_ENDPOINT="http://127.0.0.1:$proxy_port/devstoreaccount1" SILT_AZURE_BACKOFF_MS=10 \
    "$W" append "$T" "w$k" 40 7 "app-$k" >"$tmpdir/v$k.txt" 2>"$tmpdir/e$k.txt" &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || fail "a concurrent writer failed: $(cat "$tmpdir"/e*.txt)"; done
stats=$(faults '{}')
echo "proxy: $stats"
for f in drop reset 500; do
  n=$(node -e "console.log(JSON.parse(process.argv[1])['$f'])" "$stats")
  [ "$n" -gt 0 ] || fail "the proxy injected no '$f' fault: the test proves nothing"
done
cat "$tmpdir"/v[1-4].txt | sort -n >"$tmpdir/all.txt"
assert_eq "$(wc -l <"$tmpdir/all.txt")" 160 "commits reported"
assert_eq "$(uniq -d "$tmpdir/all.txt" | wc -l)" 0 "versions reported twice"
assert_eq "$(head -1 "$tmpdir/all.txt")-$(tail -1 "$tmpdir/all.txt")" "1-160" "version range"
az_download "$T" "$tmpdir/concurrent"
n=$(ls "$tmpdir/concurrent/_delta_log" | grep -c '^[0-9]\{20\}\.json$')
assert_eq "$n" 161 "commit files 0..160 in Azure"
"$SILT" table describe --files "$T" | LC_ALL=C sort >"$tmpdir/silt.txt"
"$SILT" table describe --files "$tmpdir/concurrent" | LC_ALL=C sort >"$tmpdir/local.txt"
assert_eq "$(wc -l <"$tmpdir/silt.txt")" 160 "live files"
assert_eq "$(awk -F'\t' '{s += $3} END {print s + 0}' "$tmpdir/silt.txt")" 1120 "rows (numRecords)"
for k in 1 2 3 4; do
  assert_eq "$(grep -c "/w$k-" "$tmpdir/silt.txt")" 40 "files of writer $k"
done
cmp -s "$tmpdir/silt.txt" "$tmpdir/local.txt" || fail "the table reads differently from a download"
rows=$(oracle --sql "select count(*) from read_json('$tmpdir/concurrent/_delta_log/*.json',
  format='auto', union_by_name=true) where add is not null")
assert_eq "$rows" 160 "add actions (DuckDB)"
"$SILT" table describe "$T" >"$tmpdir/d.txt"
for k in 1 2 3 4; do grep -q "^txn: *app-$k = 40$" "$tmpdir/d.txt" || fail "txn app-$k is not 40"; done
pass "4 writers x 40 commits through faults: versions 0..160, 160 files, 1120 rows, txns at 40"

# ---- optimize, checkpoint, time travel, vacuum ----
S=az://lake/streaming
az_upload "$(cd "$SILT_FIXTURES/spark-streaming-table" && pwd -P)" "$S"
"$SILT" table scan --format canonical "$S" | sort >"$tmpdir/before.txt"
v0=$("$SILT" table describe "$S" | awk '/^version:/ {print $2}')
[ -n "$v0" ] || fail "no version in describe output"
"$SILT" table optimize --target-size 1M "$S" >"$tmpdir/opt.txt" 2>&1 || fail "optimize: $(cat "$tmpdir/opt.txt")"
"$SILT" table scan --format canonical "$S" | sort >"$tmpdir/after.txt"
cmp -s "$tmpdir/before.txt" "$tmpdir/after.txt" || fail "rows changed by OPTIMIZE"
live=$("$SILT" table describe --files "$S" | wc -l)
[ "$live" -lt 421 ] || fail "OPTIMIZE left $live files"
"$SILT" table checkpoint "$S" >/dev/null || fail "checkpoint failed"
"$SILT" table scan --stats --format canonical "$S" 2>"$tmpdir/stats.txt" | sort >"$tmpdir/ckpt.txt"
grep -q "from checkpoint $((v0 + 1))" "$tmpdir/stats.txt" || fail "the checkpoint was not used: $(cat "$tmpdir/stats.txt")"
cmp -s "$tmpdir/before.txt" "$tmpdir/ckpt.txt" || fail "rows differ when read from the checkpoint"
"$SILT" table scan --format canonical --version "$v0" "$S" | sort >"$tmpdir/tt.txt"
cmp -s "$tmpdir/before.txt" "$tmpdir/tt.txt" || fail "time travel to $v0 differs"
# VACUUM on Azure: a retention below delta.deletedFileRetentionDuration is refused unless forced,
# and even forced it keeps files modified in the last hour (a commit in flight may reference
# them): every file here was uploaded moments ago, so the 421 files OPTIMIZE removed stay.
if "$SILT" table vacuum --retention 0s "$S" >"$tmpdir/vac.txt" 2>&1; then
  fail "vacuum --retention 0s without --force was not refused"
fi
grep -q "deletedFileRetentionDuration" "$tmpdir/vac.txt" || fail "refusal does not name the property: $(cat "$tmpdir/vac.txt")"
"$SILT" table vacuum --force --retention 0s --dry-run "$S" >"$tmpdir/vac_dry.txt" 2>"$tmpdir/vac_kept.txt" ||
  fail "vacuum --dry-run: $(cat "$tmpdir/vac_kept.txt")"
assert_eq "$(wc -l <"$tmpdir/vac_dry.txt")" "0" "files a forced dry run would delete"
assert_eq "$(grep -c 'commit in flight' "$tmpdir/vac_kept.txt")" "421" "files kept as young"
"$SILT" table vacuum --force --retention 0s "$S" >"$tmpdir/vac.txt" 2>&1 || fail "vacuum: $(cat "$tmpdir/vac.txt")"
az_download "$S" "$tmpdir/streaming"
on_azure=$(find "$tmpdir/streaming" -name '*.parquet' -not -path '*/_delta_log/*' | wc -l)
assert_eq "$on_azure" "$((live + 421))" "data files left in Azure after VACUUM"
"$SILT" table scan --format canonical "$S" | sort >"$tmpdir/vacuumed.txt"
cmp -s "$tmpdir/before.txt" "$tmpdir/vacuumed.txt" || fail "rows changed by VACUUM"
files=$("$SILT" table describe --files "$S" | awk -v d="$tmpdir/streaming" '{printf "%s'"'"'%s/%s'"'"'", (NR > 1 ? "," : ""), d, $1}')
assert_eq "$(oracle --sql "select count(*) from read_parquet([$files])")" "$(wc -l <"$tmpdir/before.txt")" \
  "rows DuckDB reads from the downloaded live files"
pass "OPTIMIZE (421 -> $live files), CHECKPOINT, time travel to $v0 and VACUUM on Azure keep the same rows"
