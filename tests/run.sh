#!/usr/bin/env bash
# The test command. On a fresh machine it:
#   1. installs the pinned Python test tools (moto server, cfn-lint, schemathesis, selenium,
#      aws-sam-translator) into ./.venv if missing, and Chromium with its driver from Debian's
#      packages (apt-get) if missing,
#   2. starts moto (DynamoDB + SNS emulator; tests/moto_serial.py) on a free loopback port,
#   3. checks formatting and clippy, builds the binaries, runs every test (unit, handler,
#      store conformance on memory and on the emulator, races, end-to-end over HTTP, the
#      contract: template, events and openapi.json against the routers),
#   4. lints openapi.json (openapi-spec-validator), runs the README's walk-through
#      (scripts/try.py), fuzzes the local server against it with schemathesis (tests/fuzz/run.sh),
#   5. drives the admin console in headless Chromium (tests/browser/run.sh; screenshots in
#      target/console-*.png),
#   6. transforms template.yaml with aws-sam-translator and checks what CloudFormation will get
#      (tests/deploy), and lints it with cfn-lint,
# and stops what it started on any exit.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"
REQS="$ROOT/tests/requirements.txt"
STAMP="$VENV/.requirements.sha256"

want="$(sha256sum "$REQS" | cut -d' ' -f1)"
if [ ! -x "$VENV/bin/moto_server" ] || [ ! -x "$VENV/bin/cfn-lint" ] || [ ! -x "$VENV/bin/st" ] || [ "$(cat "$STAMP" 2>/dev/null)" != "$want" ]; then
  echo "==> installing test tools into .venv"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$REQS"
  echo "$want" > "$STAMP"
fi

if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  echo "==> installing chromium and chromium-driver (Debian packages)"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver > /dev/null
fi

PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
mkdir -p "$ROOT/target"
MOTO_LOG="$ROOT/target/moto.log"
"$VENV/bin/python" "$ROOT/tests/moto_serial.py" 127.0.0.1 "$PORT" > "$MOTO_LOG" 2>&1 &
MOTO_PID=$!
cleanup() {
  kill "$MOTO_PID" 2>/dev/null || true
  wait "$MOTO_PID" 2>/dev/null || true
}
trap cleanup EXIT INT TERM

echo "==> waiting for moto on 127.0.0.1:$PORT"
python3 - "$PORT" <<'PY'
import sys, time, urllib.request
port = sys.argv[1]
deadline = time.time() + 60
while True:
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/", timeout=2)
        break
    except Exception:
        if time.time() > deadline:
            sys.exit("moto did not start; see target/moto.log")
        time.sleep(0.2)
PY

export MOTO_ENDPOINT="http://127.0.0.1:$PORT"
export DYNAMODB_ENDPOINT="$MOTO_ENDPOINT" SNS_ENDPOINT="$MOTO_ENDPOINT" S3_ENDPOINT="$MOTO_ENDPOINT"
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1
export REQUIRE_EMULATOR=1
export LOCAL_API_BIN="$ROOT/target/debug/local-api"

echo "==> cargo fmt --check"
cargo fmt --all --check
echo "==> cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "==> cargo build (binaries for the end-to-end tests)"
cargo build --workspace --bins --locked
echo "==> cargo test"
cargo test --workspace --locked
echo "==> openapi-spec-validator openapi.json"
"$VENV/bin/openapi-spec-validator" openapi.json
echo "==> the README's walk-through (tests/try/run.sh: scripts/try.py)"
bash tests/try/run.sh > target/try.log 2>&1 || { tail -40 target/try.log; exit 1; }
echo "==> schemathesis against the local server (tests/fuzz/run.sh)"
bash tests/fuzz/run.sh
echo "==> the admin console in headless Chromium (tests/browser/run.sh)"
bash tests/browser/run.sh
echo "==> the template through the SAM transform (tests/deploy)"
AWS_DEFAULT_REGION=ap-south-1 "$VENV/bin/python" -m unittest discover -s tests/deploy
echo "==> cfn-lint template.yaml"
"$VENV/bin/cfn-lint" template.yaml
echo "==> all checks passed"
