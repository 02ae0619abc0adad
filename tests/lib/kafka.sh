# Kafka helpers for integration tests (source after common.sh). Provides:
#   kafka_dev ARGS...  starts `silt kafka-dev ARGS` in the background (stopped when the test
#                      exits), waits until it has written its bootstrap address (and made its
#                      control FIFO, with --control) and sets $boot and $dev (its pid);
#                      its stdout goes to $tmpdir/dev.out, its stderr to $tmpdir/dev.err
#   control CMD...     sends a command to kafka-dev's control FIFO ($ctl)
#   wait_reply TEXT    waits (20 s) until kafka-dev has acknowledged with TEXT
kafka_dev() {
  local fifo="" a prev=""
  for a in "$@"; do
    [ "$prev" = "--control" ] && fifo=$a
    prev=$a
  done
  rm -f "$tmpdir/boot"
  "$SILT" kafka-dev "$@" --bootstrap-file "$tmpdir/boot" >"$tmpdir/dev.out" 2>"$tmpdir/dev.err" &
  dev=$!
  _silt_pids+=("$dev")
  for _ in $(seq 300); do
    [ -s "$tmpdir/boot" ] && { [ -z "$fifo" ] || [ -p "$fifo" ]; } && break
    kill -0 "$dev" 2>/dev/null || fail "kafka-dev exited: $(cat "$tmpdir/dev.err")"
    sleep 0.1
  done
  [ -s "$tmpdir/boot" ] || fail "kafka-dev wrote no bootstrap address in 30 s: $(cat "$tmpdir/dev.err")"
  [ -z "$fifo" ] || [ -p "$fifo" ] || fail "kafka-dev made no control FIFO in 30 s"
  boot=$(cat "$tmpdir/boot")
}

control() { echo "$*" >"$ctl"; }

wait_reply() {
  for _ in $(seq 200); do grep -qF "$1" "$tmpdir/dev.out" && return 0; sleep 0.1; done
  fail "no reply '$1' from kafka-dev: $(cat "$tmpdir/dev.out")"
}
