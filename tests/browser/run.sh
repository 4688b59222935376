#!/usr/bin/env bash
# The admin console test in a real browser (called by tests/run.sh): starts the local server
# (memory store, console SMS, one admin phone, no resend cooldown, send caps raised for the
# two dozen accounts it registers), runs
# tests/browser/console_test.py with Selenium and the system Chromium, and stops the server.
# Screenshots land in target/console-*.png.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BIN="${LOCAL_API_BIN:-$ROOT/target/debug/local-api}"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
BASE="http://127.0.0.1:$PORT"
mkdir -p "$ROOT/target"
unset DYNAMODB_ENDPOINT SNS_ENDPOINT S3_ENDPOINT
PORT="$PORT" RUST_LOG=info ADMIN_PHONES=+919816456580 OTP_RESEND_SECONDS=0 STORE=memory \
  OTP_MAX_PER_IP_HOUR=1000 OTP_MAX_PER_PREFIX_HOUR=1000 \
  "$BIN" > "$ROOT/target/browser-server.log" 2>&1 &
SERVER_PID=$!
trap 'kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true' EXIT INT TERM
python3 - "$BASE" <<'PY'
import sys, time, urllib.request
deadline = time.time() + 30
while True:
    try:
        urllib.request.urlopen(sys.argv[1] + "/v1/health", timeout=2)
        break
    except Exception:
        if time.time() > deadline:
            sys.exit("the local server did not start; see target/browser-server.log")
        time.sleep(0.1)
PY
"$ROOT/.venv/bin/python" "$ROOT/tests/browser/console_test.py" "$BASE" "$ROOT/target"
