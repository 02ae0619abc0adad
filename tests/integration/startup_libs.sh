#!/usr/bin/env bash
# Start-up cost: silt does not link libcurl, libmicrohttpd, libsnappy, librdkafka or libcrypto
# (loaded on first use by src/store/curl_dl.c, src/http/mhd_dl.c, src/parquet/snappy_dl.c,
# src/kafka/rdk_dl.c and src/util/crypto_dl.c), yet `silt version` still reports their versions,
# snappy-compressed Parquet still reads, Kafka produce + ingest and the SQL digests still work,
# and a library that cannot be loaded gives an error naming it and its package.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/kafka.sh"
source "$(dirname "$0")/../lib/delta.sh"

needed=$(readelf -d "$SILT" | awk '/NEEDED/ {print $NF}')
[ -n "$needed" ] || fail "readelf found no NEEDED entries in $SILT"
for lib in libcurl libmicrohttpd libgnutls libsnappy libstdc++ librdkafka libssl libcrypto libsasl2; do
  if grep -q "$lib" <<<"$needed"; then fail "$SILT links $lib at start-up: $needed"; fi
done
ldd "$SILT" >"$tmpdir/ldd.txt" || fail "ldd $SILT failed"
for lib in librdkafka libssl libcrypto libsasl2; do
  if grep "$lib" "$tmpdir/ldd.txt" >/dev/null; then fail "$SILT loads $lib at start-up: $(cat "$tmpdir/ldd.txt")"; fi
done
pass "silt does not link libcurl, libmicrohttpd, GnuTLS, libsnappy, libstdc++, librdkafka, libssl, libcrypto or libsasl2"

out=$("$SILT" version)
grep -Eq "^  libcurl +[0-9]+\.[0-9]+" <<<"$out" || fail "libcurl version not loaded: $out"
grep -Eq "^  libmicrohttpd +[0-9]+\.[0-9]+" <<<"$out" || fail "libmicrohttpd version not loaded: $out"
grep -Eq "^  librdkafka +[0-9]+\.[0-9]+" <<<"$out" || fail "librdkafka version not loaded: $out"
grep -Eq "^  openssl +OpenSSL [0-9]+\.[0-9]+" <<<"$out" || fail "libcrypto version not loaded: $out"
pass "silt version loads libcurl, libmicrohttpd, librdkafka and libcrypto on demand"

f=$SILT_FIXTURES/parquet-testing/rle-dict-snappy-checksum.parquet
"$SILT" parquet meta "$f" >"$tmpdir/meta.txt"
grep -E "SNAPPY" "$tmpdir/meta.txt" >/dev/null || fail "$f is not snappy-compressed"
"$SILT" parquet cat --format canonical "$f" | sort >"$tmpdir/silt.txt"
oracle "$f" >"$tmpdir/duck.txt"
[ -s "$tmpdir/duck.txt" ] || fail "DuckDB read no rows from $f"
cmp -s "$tmpdir/silt.txt" "$tmpdir/duck.txt" || fail "silt and DuckDB read $f differently"
pass "snappy-compressed Parquet reads through libsnappy loaded on first use"

# ---- Kafka through librdkafka loaded on first use: kafka-dev, produce, ingest
kafka_dev --brokers 1 --topic t:2
"$SILT" produce -b "$boot" -t t --generate 40 --seed 3 2>"$tmpdir/produce.log" ||
  fail "produce failed: $(cat "$tmpdir/produce.log")"
T="$tmpdir/lake/bronze_t"
"$SILT" ingest -b "$boot" -t t --table "$T" --until-caught-up --trigger 250ms \
  kafka.session.timeout.ms=6000 2>"$tmpdir/ingest.log" || fail "ingest failed: $(tail -5 "$tmpdir/ingest.log")"
files=$(delta_parquet_list "$T")
assert_eq "$(oracle --sql "SELECT count(*) FROM read_parquet($files)")" 40 "bronze rows"
pass "kafka-dev, produce and ingest work with librdkafka loaded on first use"

# ---- SQL digests through libcrypto loaded on first use, against DuckDB
"$SILT" sql --format canonical "SELECT md5('Spark'), sha2('abc', 256), sha2('abc', 0)" \
  >"$tmpdir/hash.silt" || fail "silt sql md5/sha2 failed"
oracle --sql "SELECT md5('Spark'), sha256('abc'), sha256('abc')" >"$tmpdir/hash.duck"
[ -s "$tmpdir/hash.duck" ] || fail "DuckDB computed no digests"
cmp -s "$tmpdir/hash.silt" "$tmpdir/hash.duck" ||
  fail "digests differ: silt $(cat "$tmpdir/hash.silt"), DuckDB $(cat "$tmpdir/hash.duck")"
pass "md5 and sha2 agree with DuckDB with libcrypto loaded on first use"

# ---- a library that loads but lacks the entry points (zlib under the library's name): the
# error names the library, what is missing and the package to install; exit status is non-zero
mkdir "$tmpdir/fake"
zlib=$(awk '$1 == "libz.so.1" {print $3}' "$tmpdir/ldd.txt")
[ -f "$zlib" ] || fail "no libz.so.1 in ldd's output: $(cat "$tmpdir/ldd.txt")"
cp "$zlib" "$tmpdir/fake/librdkafka.so.1"
cp "$zlib" "$tmpdir/fake/libcrypto.so.3"
if LD_LIBRARY_PATH="$tmpdir/fake" "$SILT" produce -b "$boot" -t t --generate 1 2>"$tmpdir/nordk.err"; then
  fail "produce succeeded without librdkafka"
fi
grep -F "librdkafka.so.1" "$tmpdir/nordk.err" >/dev/null || fail "no library name: $(cat "$tmpdir/nordk.err")"
grep -F "apt-get install librdkafka1" "$tmpdir/nordk.err" >/dev/null ||
  fail "no package to install: $(cat "$tmpdir/nordk.err")"
if LD_LIBRARY_PATH="$tmpdir/fake" "$SILT" sql "SELECT md5('x')" >/dev/null 2>"$tmpdir/nocrypto.err"; then
  fail "md5 succeeded without libcrypto"
fi
grep -F "libcrypto.so.3" "$tmpdir/nocrypto.err" >/dev/null || fail "no library name: $(cat "$tmpdir/nocrypto.err")"
grep -F "apt-get install libssl3" "$tmpdir/nocrypto.err" >/dev/null ||
  fail "no package to install: $(cat "$tmpdir/nocrypto.err")"
LD_LIBRARY_PATH="$tmpdir/fake" "$SILT" sql --format canonical "SELECT 1 + 1" >"$tmpdir/two.txt" ||
  fail "silt sql without Kafka or digests failed with both libraries unusable"
assert_eq "$(cat "$tmpdir/two.txt")" 2 "SELECT 1 + 1 with both libraries unusable"
pass "an unusable librdkafka or libcrypto gives an error naming it and its package; other commands run"
