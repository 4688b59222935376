#!/usr/bin/env bash
# Builds the function binaries and the hello-world floor with the release profile, then prints
# the cold-start and warm-cost table (tests/benches/cold_start.rs). COLD_START_RUNS=N (15).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BINS="$(python3 -c 'import json; print(" ".join("--bin " + f["name"] for f in json.load(open("functions.json"))))')"
# shellcheck disable=SC2086
cargo build --release --locked $BINS --bin hello-lambda
cargo bench --locked -p integration-tests --bench cold_start
