#!/usr/bin/env bash
# Installs the deploy tools (scripts/deploy-requirements.txt: SAM CLI, cargo-lambda, zig,
# moto, boto3) into ./.tools, once: a stamp of the requirements file makes a second run a
# no-op, so the README's install and scripts/deploy-rehearsal.sh share one install.
# Usage: scripts/tools.sh   (then: export PATH=$PWD/.tools/bin:$PATH)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
REQS="$ROOT/scripts/deploy-requirements.txt"
want="$(sha256sum "$REQS" | cut -d' ' -f1)"
if [ "$(cat "$TOOLS/.requirements.sha256" 2>/dev/null)" != "$want" ]; then
  echo "==> installing the deploy tools into .tools"
  python3 -m venv "$TOOLS"
  "$TOOLS/bin/pip" install --quiet -r "$REQS"
  echo "$want" > "$TOOLS/.requirements.sha256"
fi
