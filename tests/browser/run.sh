#!/usr/bin/env bash
# The admin console test in a real browser (called by tests/run.sh): starts the local server
# (memory store, console SMS, one admin phone, no resend cooldown, send caps raised for the
# two dozen accounts it registers), runs
# tests/browser/console_test.py with Selenium and the system Chromium, and stops the server.
# Screenshots land in target/console-*.png.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
unset DYNAMODB_ENDPOINT SNS_ENDPOINT S3_ENDPOINT
. "$ROOT/tests/local-server.sh"
start_local_api browser RUST_LOG=info ADMIN_PHONES=+919816456580 OTP_RESEND_SECONDS=0 STORE=memory \
  OTP_MAX_PER_IP_HOUR=1000 OTP_MAX_PER_PREFIX_HOUR=1000
"$ROOT/.venv/bin/python" "$ROOT/tests/browser/console_test.py" "$BASE" "$ROOT/target"
