# Azure helpers for integration tests (source after common.sh). Provides:
#   azurite [--https]   starts Azurite's blob service (npm azurite, in $tmpdir) on a free port,
#                       stopped when the test exits; sets $az_port and exports the emulator
#                       settings (AZURE_STORAGE_USE_EMULATOR, AZURE_STORAGE_ENDPOINT) so silt and
#                       the tools use its well-known account
#   fault_proxy ARGS    starts tests/tools/fault_proxy.mjs in front of Azurite; sets $proxy_port
#   faults JSON         replaces the proxy's faults (see fault_proxy.mjs)
#   az_container NAME   creates a container
#   az_upload DIR URL / az_download URL DIR   copies a folder to / from Azure
azurite() {
  local pf="$tmpdir/azurite.port"
  rm -f "$pf"
  node "$SILT_ROOT/tests/tools/azurite.mjs" --dir "$tmpdir/azurite" --port-file "$pf" "$@" \
    >"$tmpdir/azurite.log" 2>&1 &
  _silt_pids+=("$!")
  for _ in $(seq 600); do [ -s "$pf" ] && break; sleep 0.1; done
  [ -s "$pf" ] || fail "Azurite did not start: $(tail -5 "$tmpdir/azurite.log")"
  az_port=$(cat "$pf")
  export AZURE_STORAGE_USE_EMULATOR=true
  export AZURE_STORAGE_ENDPOINT="http://127.0.0.1:$az_port/devstoreaccount1"
}

fault_proxy() {
  local pf="$tmpdir/proxy.port"
  rm -f "$pf"
  node "$SILT_ROOT/tests/tools/fault_proxy.mjs" --target "http://127.0.0.1:$az_port" \
    --port-file "$pf" "$@" >"$tmpdir/proxy.log" 2>&1 &
  _silt_pids+=("$!")
  for _ in $(seq 300); do [ -s "$pf" ] && break; sleep 0.1; done
  [ -s "$pf" ] || fail "the fault proxy did not start: $(tail -5 "$tmpdir/proxy.log")"
  proxy_port=$(cat "$pf")
}

faults() {
  curl -sf -X PUT -H 'content-type: application/json' --data "$1" \
    "http://127.0.0.1:$proxy_port/__faults"
}

az_container() { "$SILT_BUILD/tool_az_admin" mkcontainer "az://$1" || fail "cannot create container $1"; }
az_upload() { "$SILT_BUILD/tool_az_admin" upload "$1" "$2" || fail "cannot upload $1 to $2"; }
az_download() { "$SILT_BUILD/tool_az_admin" download "$1" "$2" || fail "cannot download $1"; }
