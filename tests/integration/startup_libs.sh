#!/usr/bin/env bash
# Start-up cost: silt does not link libcurl, libmicrohttpd or libsnappy (loaded on first use by
# src/store/curl_dl.c, src/http/mhd_dl.c and src/parquet/snappy_dl.c), yet `silt version` still
# reports libcurl's and libmicrohttpd's versions and snappy-compressed Parquet still reads.
source "$(dirname "$0")/../lib/common.sh"

needed=$(readelf -d "$SILT" | awk '/NEEDED/ {print $NF}')
[ -n "$needed" ] || fail "readelf found no NEEDED entries in $SILT"
for lib in libcurl libmicrohttpd libgnutls libsnappy libstdc++; do
  if grep -q "$lib" <<<"$needed"; then fail "$SILT links $lib at start-up: $needed"; fi
done
pass "silt does not link libcurl, libmicrohttpd, GnuTLS, libsnappy or libstdc++"

out=$("$SILT" version)
grep -Eq "^  libcurl +[0-9]+\.[0-9]+" <<<"$out" || fail "libcurl version not loaded: $out"
grep -Eq "^  libmicrohttpd +[0-9]+\.[0-9]+" <<<"$out" || fail "libmicrohttpd version not loaded: $out"
pass "silt version loads libcurl and libmicrohttpd on demand"

f=$SILT_FIXTURES/parquet-testing/rle-dict-snappy-checksum.parquet
"$SILT" parquet meta "$f" >"$tmpdir/meta.txt"
grep -E "SNAPPY" "$tmpdir/meta.txt" >/dev/null || fail "$f is not snappy-compressed"
"$SILT" parquet cat --format canonical "$f" | sort >"$tmpdir/silt.txt"
oracle "$f" >"$tmpdir/duck.txt"
[ -s "$tmpdir/duck.txt" ] || fail "DuckDB read no rows from $f"
cmp -s "$tmpdir/silt.txt" "$tmpdir/duck.txt" || fail "silt and DuckDB read $f differently"
pass "snappy-compressed Parquet reads through libsnappy loaded on first use"
