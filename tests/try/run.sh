#!/usr/bin/env bash
# The README's walk-through as a newcomer runs it (called by tests/run.sh): starts the local
# server as the README's admin section does (a test number as admin, code 123456, no resend
# pause), runs scripts/try.py against it, checks scripts/signed-event.py, and stops the server.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
unset DYNAMODB_ENDPOINT SNS_ENDPOINT S3_ENDPOINT
. "$ROOT/tests/local-server.sh"
start_local_api try STORE=memory ADMIN_PHONES=+919999900001 \
  TEST_PHONE_NUMBERS=+919999900001=123456,+919999900002=123456 OTP_RESEND_SECONDS=0
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
