#!/usr/bin/env bash
# The README's walk-through as a newcomer runs it (called by tests/run.sh): starts the local
# server as the README's admin section does (a test number as admin, code 123456, no resend
# pause), runs scripts/try.py against it, checks scripts/signed-event.py, and stops the server.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BIN="${LOCAL_API_BIN:-$ROOT/target/debug/local-api}"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
BASE="http://127.0.0.1:$PORT"
mkdir -p "$ROOT/target"
unset DYNAMODB_ENDPOINT SNS_ENDPOINT S3_ENDPOINT
PORT="$PORT" STORE=memory ADMIN_PHONES=+919999900001 \
  TEST_PHONE_NUMBERS=+919999900001=123456,+919999900002=123456 \
  OTP_RESEND_SECONDS=0 "$BIN" > "$ROOT/target/try-server.log" 2>&1 &
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
            sys.exit("the local server did not start; see target/try-server.log")
        time.sleep(0.1)
PY
python3 "$ROOT/scripts/try.py" --base "$BASE" --admin-phone +919999900001 --admin-code 123456
# The event helper: a users event with a real token, whose header the server accepts.
python3 "$ROOT/scripts/signed-event.py" "$ROOT/events/users/wallet.json" --base "$BASE" \
  --phone +919999900002 --code 123456 > "$ROOT/target/signed-wallet.json"
python3 - "$ROOT/target/signed-wallet.json" "$BASE" <<'PY'
import json, sys, urllib.request
event = json.load(open(sys.argv[1]))
auth = event["headers"]["authorization"]
assert "paste-access-token" not in auth, auth
req = urllib.request.Request(sys.argv[2] + event["rawPath"], headers={"Authorization": auth})
with urllib.request.urlopen(req, timeout=10) as res:
    assert res.status == 200, res.status
print("==> signed-event.py: the filled event's token is accepted")
PY
