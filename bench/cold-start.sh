#!/usr/bin/env bash
# Builds the function binaries and the hello-world floor with the release profile, then prints
# the cold-start and warm-cost table (tests/benches/cold_start.rs). COLD_START_RUNS=N (15).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo build --release --locked --bin auth --bin users --bin pools --bin admin --bin hello-lambda
cargo bench --locked -p integration-tests --bench cold_start
