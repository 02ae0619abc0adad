#!/usr/bin/env bash
# Start-up cost: silt does not link libcurl or libmicrohttpd (loaded on first use by
# src/store/curl_dl.c and src/http/mhd_dl.c), yet `silt version` still reports both versions.
source "$(dirname "$0")/../lib/common.sh"

needed=$(readelf -d "$SILT" | awk '/NEEDED/ {print $NF}')
[ -n "$needed" ] || fail "readelf found no NEEDED entries in $SILT"
for lib in libcurl libmicrohttpd libgnutls; do
  if grep -q "$lib" <<<"$needed"; then fail "$SILT links $lib at start-up: $needed"; fi
done
pass "silt does not link libcurl, libmicrohttpd or GnuTLS"

out=$("$SILT" version)
grep -Eq "^  libcurl +[0-9]+\.[0-9]+" <<<"$out" || fail "libcurl version not loaded: $out"
grep -Eq "^  libmicrohttpd +[0-9]+\.[0-9]+" <<<"$out" || fail "libmicrohttpd version not loaded: $out"
pass "silt version loads libcurl and libmicrohttpd on demand"
