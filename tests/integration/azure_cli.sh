#!/usr/bin/env bash
# The Azure settings on the command line and the secrecy of credentials: --storage-option works
# on `silt table` and `silt ingest` (in place of the environment), a misspelt option is refused
# with a suggestion, and neither the account key nor a SAS signature nor a bearer token ever
# appears in errors, debug logs (with retries through the fault proxy) or --help output.
source "$SILT_ROOT/tests/lib/common.sh"
source "$SILT_ROOT/tests/lib/azure.sh"
SILT_BUILD=${SILT_BUILD:-$SILT_ROOT/build}
W=$SILT_BUILD/tool_delta_writer

azurite --memory
fault_proxy --seed 3
az_container cli
"$W" create az://cli/t >/dev/null && "$W" append az://cli/t a 3 5 >/dev/null || fail "cannot write az://cli/t"
ep=$AZURE_STORAGE_ENDPOINT
unset AZURE_STORAGE_USE_EMULATOR AZURE_STORAGE_ENDPOINT

# the settings as --storage-option only
"$SILT" table describe --storage-option AZURE_STORAGE_USE_EMULATOR=true \
  --storage-option="AZURE_STORAGE_ENDPOINT=$ep" az://cli/t >"$tmpdir/d.txt" 2>"$tmpdir/e.txt" ||
  fail "describe with --storage-option failed: $(cat "$tmpdir/e.txt")"
grep -q '^version: *3 ' "$tmpdir/d.txt" || fail "describe: $(cat "$tmpdir/d.txt")"
if "$SILT" table describe --storage-option AZURE_STORAGE_ACOUNT_NAME=x az://cli/t 2>"$tmpdir/e.txt"; then
  fail "a misspelt storage option was accepted"
fi
grep -q "did you mean AZURE_STORAGE_ACCOUNT_NAME" "$tmpdir/e.txt" || fail "no suggestion: $(cat "$tmpdir/e.txt")"
if "$SILT" ingest -b 127.0.0.1:1 -t x --table az://cli/b --storage-option NOPE=1 2>"$tmpdir/e.txt"; then
  fail "silt ingest accepted an unknown storage option"
fi
grep -q "unknown storage option 'NOPE'" "$tmpdir/e.txt" || fail "ingest: $(cat "$tmpdir/e.txt")"
pass "--storage-option replaces the environment; misspelt names are refused with a suggestion"

# a wrong key: the error names account, container and credential, never the key
badkey=$(openssl rand -base64 64 | tr -d "\n")
if "$SILT" table scan --storage-option "AZURE_STORAGE_ENDPOINT=$ep" \
  --storage-option AZURE_STORAGE_ACCOUNT_NAME=devstoreaccount1 \
  --storage-option "AZURE_STORAGE_ACCOUNT_KEY=$badkey" az://cli/t >/dev/null 2>"$tmpdir/e.txt"; then
  fail "a wrong key was accepted"
fi
for w in devstoreaccount1 "'cli'" AZURE_STORAGE_ACCOUNT_KEY; do
  grep -qF "$w" "$tmpdir/e.txt" || fail "'$w' missing from: $(cat "$tmpdir/e.txt")"
done
! grep -qF "$badkey" "$tmpdir/e.txt" || fail "the key is in the error"
# an expired SAS, through retries with debug logging: the signature is in neither
key=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==
sas=$("$SILT_BUILD/tool_az_admin" sas devstoreaccount1 "$key" cli rl -60)
sig=${sas##*sig=}
faults '{"p500":0.3,"preset":0.2}' >/dev/null
if SILT_LOG_LEVEL=debug AZURE_STORAGE_SAS_TOKEN="$sas" AZURE_STORAGE_ACCOUNT_NAME=devstoreaccount1 \
  AZURE_STORAGE_ENDPOINT="http://127.0.0.1:$proxy_port/devstoreaccount1" SILT_AZURE_BACKOFF_MS=5 \
  "$SILT" table scan az://cli/t >/dev/null 2>"$tmpdir/e.txt"; then
  fail "an expired SAS was accepted"
fi
faults '{}' >/dev/null
grep -q "expired" "$tmpdir/e.txt" || fail "no 'expired' in: $(cat "$tmpdir/e.txt")"
grep -q "retry" "$tmpdir/e.txt" || fail "no retry was logged: $(cat "$tmpdir/e.txt")"
! grep -qF "$sig" "$tmpdir/e.txt" || fail "the SAS signature is in the log or error"
! grep -qF "$(printf '%s' "$sig" | sed 's/%2B/+/g; s/%2F/\//g; s/%3D/=/g')" "$tmpdir/e.txt" ||
  fail "the decoded SAS signature is in the log or error"
# --help with every secret in the environment
tok=$("$SILT_BUILD/tool_az_admin" jwt 3600)
for c in "table scan" "table describe" "ingest"; do
  AZURE_STORAGE_ACCOUNT_KEY=$key AZURE_STORAGE_SAS_TOKEN=$sas AZURE_STORAGE_TOKEN=$tok \
    AZURE_CLIENT_SECRET=cs-secret-value "$SILT" $c --help >"$tmpdir/h.txt" 2>&1 || true
  for s in "$key" "$sig" "$tok" cs-secret-value; do
    ! grep -qF "$s" "$tmpdir/h.txt" || fail "a secret is in 'silt $c --help'"
  done
done
pass "no key, SAS signature or token in errors, debug logs with retries, or --help"
