#!/usr/bin/env bash
# silt produce --csv against silt kafka-dev: every row of the sample CSV arrives as one JSON
# object equal, value by value, to DuckDB's independent reading of the CSV; kcat lists, consumes
# from and produces to the dev cluster.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/kafka.sh"
csv="$SILT_FIXTURES/sales-transactions-sample.csv"

kafka_dev --brokers 2 --topic sales:1 --topic other:3
[[ "$boot" =~ ^127\.0\.0\.1:[0-9]+,127\.0\.0\.1:[0-9]+$ ]] || fail "bootstrap '$boot'"
pass "kafka-dev listening at $boot"

# kcat: list, produce, consume
kcat -L -b "$boot" >"$tmpdir/meta" 2>&1 || fail "kcat -L failed: $(cat "$tmpdir/meta")"
grep -q '2 brokers' "$tmpdir/meta" || fail "kcat -L: $(cat "$tmpdir/meta")"
grep -q 'topic "other" with 3 partitions' "$tmpdir/meta" || fail "kcat -L: no topic other"
pass "kcat -L lists 2 brokers and the topics"
printf 'k1:v1\nk2:v2\nk3:v3\n' | kcat -P -b "$boot" -t other -K: -p 1
got=$(kcat -C -e -q -b "$boot" -t other -p 1 -f '%k=%s@%o\n')
assert_eq "$got" $'k1=v1@0\nk2=v2@1\nk3=v3@2' "kcat round trip"
pass "kcat produces to and consumes from kafka-dev"

"$SILT" produce --brokers "$boot" --topic sales --csv "$csv" --key ProductNo \
  --compression zstd 2>"$tmpdir/produce.log" || fail "produce failed: $(cat "$tmpdir/produce.log")"
grep -q 'failed' "$tmpdir/produce.log" || fail "no summary: $(cat "$tmpdir/produce.log")"
kcat -C -e -q -b "$boot" -t sales -f '%s\n' >"$tmpdir/msgs.jsonl"
kcat -C -e -q -b "$boot" -t sales -f '%k\n' >"$tmpdir/keys.txt"

oracle --no-sort --sql "SELECT * FROM read_csv('$csv', header=true, \
  types={'Date':'VARCHAR','ProductNo':'VARCHAR'})" >"$tmpdir/duck.txt"
n_duck=$(wc -l <"$tmpdir/duck.txt")
n_msgs=$(wc -l <"$tmpdir/msgs.jsonl")
assert_eq "$n_msgs" "$n_duck" "message count vs DuckDB row count"
pass "$n_msgs messages, one per CSV row"

# Each message: keys in header order, JSON types as pandas would infer them, values printed in
# the oracle's canonical form for a value-by-value diff.
node -e '
const fs = require("fs");
const lines = fs.readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean);
const keys = ["TransactionNo","Date","ProductNo","ProductName","Price","Quantity","CustomerNo","Country"];
const types = ["number","string","string","string","number","number","number","string"];
const out = [];
for (const l of lines) {
  const o = JSON.parse(l);
  if (JSON.stringify(Object.keys(o)) !== JSON.stringify(keys)) throw new Error("keys: " + l);
  keys.forEach((k, i) => { if (typeof o[k] !== types[i]) throw new Error(k + " type: " + l); });
  out.push(keys.map(k => typeof o[k] === "string" ? JSON.stringify(o[k]) : String(o[k])).join("\t"));
}
fs.writeFileSync(process.argv[2], out.join("\n") + "\n");
' "$tmpdir/msgs.jsonl" "$tmpdir/ours.txt" || fail "messages are not the expected JSON objects"
diff "$tmpdir/duck.txt" "$tmpdir/ours.txt" >"$tmpdir/diff" || fail "values differ: $(head "$tmpdir/diff")"
pass "every message equals DuckDB's reading of its CSV row"

# Exact bytes of json.dumps for the row with the RFC 4180 escaped quote; ints stay ints.
want='{"TransactionNo": 581498, "Date": "12/9/2019", "ProductNo": "22041", "ProductName": "Record Frame 7\" Single Size", "Price": 6.19, "Quantity": 2, "CustomerNo": 14498, "Country": "United Kingdom"}'
grep -qxF "$want" "$tmpdir/msgs.jsonl" || fail "no message is exactly: $want"
pass "quoted \"\" row is sent exactly as json.dumps prints it"
cut -d, -f3 "$csv" | tail -n +2 >"$tmpdir/want_keys.txt"
echo >>"$tmpdir/want_keys.txt"
diff <(sed '/^$/d' "$tmpdir/want_keys.txt") "$tmpdir/keys.txt" >/dev/null || fail "keys are not ProductNo"
pass "--key ProductNo keys every message"

# A float column with empties prints 17490.0 / null, as pandas + json.dumps did.
printf 'a,b,c\n1,2.5,x\n,3,"y, z"\n4,,\n' >"$tmpdir/small.csv"
"$SILT" produce -b "$boot" -t small --csv "$tmpdir/small.csv" 2>/dev/null || fail "produce small"
got=$(kcat -C -e -q -b "$boot" -t small -f '%s\n' | sort)
want=$'{"a": 1.0, "b": 2.5, "c": "x"}\n{"a": 4.0, "b": null, "c": null}\n{"a": null, "b": 3.0, "c": "y, z"}'
assert_eq "$got" "$want" "typed small CSV"
pass "empty values are null and turn int columns into floats"

if "$SILT" produce -b "$boot" -t sales --csv "$tmpdir/missing.csv" 2>"$tmpdir/err"; then
  fail "produce of a missing file succeeded"
fi
grep -q 'missing.csv' "$tmpdir/err" || fail "error does not name the file: $(cat "$tmpdir/err")"
pass "a missing CSV fails with the file named"
