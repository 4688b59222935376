#!/usr/bin/env bash
# The API fuzz run (called by tests/run.sh): starts the local server (memory store, console
# SMS, send and sign-in limits relaxed (and the pumping defence in monitor mode: generated
# codes are never entered) so that generated phones and the hooks' admin
# sign-ins are not throttled, a test number as its admin), runs schemathesis
# with the committed openapi.json, every check, every phase (examples, coverage, fuzzing,
# stateful) and a bounded number of examples, and stops the server on exit.
# Usage: tests/fuzz/run.sh [extra schemathesis options]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
mkdir -p "$ROOT/target"
export FUZZ_CALLS="$ROOT/target/fuzz-calls.txt"
: > "$FUZZ_CALLS"
. "$ROOT/tests/local-server.sh"
start_local_api fuzz RUST_LOG=warn ADMIN_PHONES=+919999900001 TEST_PHONE_NUMBERS=+919999900001=123456 \
  OTP_RESEND_SECONDS=0 OTP_MAX_PER_HOUR=1000 OTP_MAX_PER_DAY=10000 \
  OTP_MAX_PER_IP_HOUR=100000 OTP_MAX_PER_PREFIX_HOUR=100000 SMS_BUDGET_HOUR=1000000 \
  SMS_BUDGET_DAY=1000000 LOGIN_MAX_PER_IP_HOUR=100000 PASSKEY_CEREMONIES_PER_IP_HOUR=1000000 SMS_DEFENCE_MODE=monitor IOS_APP_IDS=ABCDE12345.in.example.app \
  ANDROID_APP_LINKS=in.example.app=14:6D:E9:83:C5:73:06:50:D8:EE:B9:95:2F:34:FC:64:16:A0:83:42:E6:1D:BE:A8:8A:04:96:B2:3F:CF:44:E5
export FUZZ_BASE_URL="$BASE"
# A real pool for the pool routes (schemathesis.toml binds `pool_id` to it): made by a user of
# its own, so the fuzzer's user reads, joins and leaves it as any member would.
cd "$ROOT/tests/fuzz"
FUZZ_POOL_ID="$("$ROOT/.venv/bin/python" -c '
import datetime, hooks, requests
token = hooks._new_user()
deadline = (datetime.date.today() + datetime.timedelta(days=60)).isoformat()
body = {"name": "Fuzz pool", "contribution_amount": 100, "deadline": deadline,
        "pool_type": "WEEKLY", "total_members": 100}
r = requests.post(hooks.BASE + "/v1/pools", json=body, headers={"Authorization": "Bearer " + token}, timeout=10)
r.raise_for_status()
print(r.json()["data"]["pool"]["pool_id"])
')"
export FUZZ_POOL_ID
status=0
SCHEMATHESIS_HOOKS=hooks "$ROOT/.venv/bin/st" --config-file "$ROOT/tests/fuzz/schemathesis.toml" \
  run "$ROOT/openapi.json" --url "$FUZZ_BASE_URL" "$@" || status=$?
# Which operations the run reached with a 2xx: every one must have (the hooks' hints supply
# what generated data cannot hold), so a route that stops answering its success path fails here.
if python3 - "$ROOT/openapi.json" "$FUZZ_CALLS" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
ops = sorted(f"{m.upper()} {p}" for p, item in doc["paths"].items() for m in item
             if m in ("get", "post", "put", "patch", "delete") and not p.startswith("/admin"))
ok = set()
for line in open(sys.argv[2]):
    method, path, status = line.split()
    if status.startswith("2"):
        ok.add(f"{method} {path}")
reached = [o for o in ops if o in ok]
print(f"==> operations that reached a 2xx: {len(reached)} of {len(ops)}")
for o in ops:
    if o not in ok:
        print(f"    never 2xx: {o}")
sys.exit(0 if len(reached) == len(ops) else 1)
PY
then :; else status=1; fi
exit "$status"
