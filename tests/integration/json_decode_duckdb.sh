#!/usr/bin/env bash
# The JSON decoder against DuckDB, an independent reader: the sample CSV's rows written as JSON
# lines (by DuckDB, and by `silt produce`'s own row-to-JSON as Kafka carries them, pandas style
# with 17490.0 and NaN) decode to the same typed values DuckDB's read_json gives with the same
# column types; a line that breaks the types is refused with the field and the offset.
source "$(dirname "$0")/../lib/common.sh"
csv="$SILT_FIXTURES/sales-transactions-sample.csv"
cols="{TransactionNo: 'VARCHAR', Date: 'DATE', ProductNo: 'VARCHAR', ProductName: 'VARCHAR',
  Price: 'DECIMAL(10,2)', Quantity: 'INTEGER', CustomerNo: 'BIGINT', Country: 'VARCHAR'}"

# 1. JSON lines written by DuckDB (CustomerNo as a double: 17490.0; the sample has no missing
# customer, so every row with a quantity divisible by 5 loses it)
oracle --sql "COPY (SELECT TransactionNo, Date, ProductNo, ProductName, Price, Quantity,
  CASE WHEN Quantity % 5 = 0 THEN NULL ELSE CAST(CustomerNo AS DOUBLE) END AS CustomerNo,
  Country FROM read_csv('$csv', header=true,
  types={'TransactionNo':'VARCHAR','Date':'VARCHAR','ProductNo':'VARCHAR','Price':'DECIMAL(10,2)'}))
  TO '$tmpdir/duck.jsonl' (FORMAT json)" >/dev/null
n=$(wc -l <"$tmpdir/duck.jsonl")
[ "$n" -gt 1000 ] || fail "DuckDB wrote $n lines"
grep -q '"CustomerNo":null' "$tmpdir/duck.jsonl" || fail "no missing CustomerNo in the sample"
"$SILT_BUILD/tool_json_decode" "$tmpdir/duck.jsonl" | sort >"$tmpdir/silt.txt" ||
  fail "silt refused rows: $(head -3 "$tmpdir/silt.txt")"
oracle --sql "SELECT * FROM read_json('$tmpdir/duck.jsonl', format='newline_delimited',
  columns=$cols, dateformat='%m/%d/%Y')" >"$tmpdir/want.txt"
diff "$tmpdir/want.txt" "$tmpdir/silt.txt" >"$tmpdir/diff" || fail "values differ: $(head "$tmpdir/diff")"
grep -qF '"Record Frame 7\" Single Size"' "$tmpdir/silt.txt" || fail "the escaped quote is lost"
pass "$n rows written by DuckDB: silt's typed values equal DuckDB's read_json"

# 2. pandas-style JSON (NaN for a missing CustomerNo), as the seed's producer sent it
sed 's/"CustomerNo":null/"CustomerNo":NaN/' "$tmpdir/duck.jsonl" >"$tmpdir/pandas.jsonl"
grep -q NaN "$tmpdir/pandas.jsonl" || fail "no NaN written"
"$SILT_BUILD/tool_json_decode" "$tmpdir/pandas.jsonl" | sort >"$tmpdir/silt2.txt" ||
  fail "silt refused pandas rows"
diff "$tmpdir/want.txt" "$tmpdir/silt2.txt" >/dev/null || fail "NaN is not read as null"
pass "pandas' NaN reads as null"

# 3. rows that break the types: refused, with field and offset; the good ones still land
{
  head -2 "$tmpdir/duck.jsonl"
  echo '{"TransactionNo":"1","Quantity":"twelve"}'
  echo '{"TransactionNo":"2","Date":"13/1/2019"}'
  echo '{"TransactionNo":"3","Price":123456789.5}'
  echo '{"TransactionNo":"4",'
} >"$tmpdir/bad.jsonl"
if "$SILT_BUILD/tool_json_decode" "$tmpdir/bad.jsonl" >"$tmpdir/ok.txt" 2>"$tmpdir/bad.err"; then
  fail "bad rows were accepted"
fi
assert_eq "$(wc -l <"$tmpdir/ok.txt")" 2 "good rows decoded"
grep -q "^line 3: field 'Quantity': expected int32, got string \"twelve\" (offset 32)" "$tmpdir/bad.err" ||
  fail "line 3: $(cat "$tmpdir/bad.err")"
grep -q "^line 4: field 'Date': expected date, got \"13/1/2019\" (month out of range)" "$tmpdir/bad.err" ||
  fail "line 4: $(cat "$tmpdir/bad.err")"
grep -q "^line 5: field 'Price': 123456789.5 does not fit decimal(10,2)" "$tmpdir/bad.err" ||
  fail "line 5: $(cat "$tmpdir/bad.err")"
grep -q "^line 6: invalid JSON: expected a key in quotes (offset 21)" "$tmpdir/bad.err" ||
  fail "line 6: $(cat "$tmpdir/bad.err")"
pass "rows that break the types are refused with the field, the reason and the offset"
