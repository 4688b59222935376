# Sourced by the scripts that drive a local server (the fuzz run, the browser test, the
# walk-through): `start_local_api <name> [VAR=value ...]` starts target/debug/local-api (or
# $LOCAL_API_BIN) on a free loopback port with those settings, logs to
# target/<name>-server.log, waits until /v1/health answers, sets $BASE, and stops the server
# when the script exits.
start_local_api() {
  local name="$1"
  shift
  local root bin port
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  bin="${LOCAL_API_BIN:-$root/target/debug/local-api}"
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
  BASE="http://127.0.0.1:$port"
  mkdir -p "$root/target"
  env "$@" PORT="$port" "$bin" > "$root/target/$name-server.log" 2>&1 &
  LOCAL_API_PID=$!
  trap 'kill "$LOCAL_API_PID" 2>/dev/null || true; wait "$LOCAL_API_PID" 2>/dev/null || true' EXIT INT TERM
  python3 - "$BASE" "$name" <<'PY'
import sys, time, urllib.request
deadline = time.time() + 30
while True:
    try:
        urllib.request.urlopen(sys.argv[1] + "/v1/health", timeout=2)
        break
    except Exception:
        if time.time() > deadline:
            sys.exit(f"the local server did not start; see target/{sys.argv[2]}-server.log")
        time.sleep(0.1)
PY
}
