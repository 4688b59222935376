#!/usr/bin/env bash
# Deploy rehearsal: everything `sam deploy` does up to the first real AWS call, offline.
#   1. installs the deploy tools into ./.tools if missing (scripts/tools.sh),
#   2. checks, with SAM CLI's own function, that `sam deploy --guided` asks no per-route
#      "has no authentication. Is this okay?" question (its default, N, aborts),
#   3. `sam build` (cargo-lambda, arm64, only the four function binaries),
#   4. `sam package` against moto's S3 (AWS_ENDPOINT_URL), as `sam deploy` would upload,
#   5. checks that each function's zip holds exactly one file, an executable arm64 ELF named
#      `bootstrap`, and that nothing else of the repository was packaged.
# Not part of CI: a clean build takes several minutes. Usage: scripts/deploy-rehearsal.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TOOLS="$ROOT/.tools"
bash "$ROOT/scripts/tools.sh"
export PATH="$TOOLS/bin:$PATH"
export SAM_CLI_TELEMETRY=0

echo "==> sam deploy --guided would ask no per-route authorization question"
"$TOOLS/bin/python" - <<'PY'
from samcli.commands.deploy.auth_utils import auth_per_resource
from samcli.lib.providers.sam_stack_provider import SamLocalStackProvider
stacks, _ = SamLocalStackProvider.get_stacks("template.yaml", parameter_overrides={},
                                             global_parameter_overrides={"AWS::Region": "ap-south-1"})
asked = [name for name, has_auth in auth_per_resource(stacks) if not has_auth]
assert not asked, f"sam deploy --guided would ask about {len(asked)} routes: {sorted(set(asked))}"
PY

echo "==> sam build"
sam build

PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
MOTO_LOG="$(mktemp)"
"$TOOLS/bin/moto_server" -H 127.0.0.1 -p "$PORT" > "$MOTO_LOG" 2>&1 &
MOTO_PID=$!
trap 'kill "$MOTO_PID" 2>/dev/null || true; rm -f "$MOTO_LOG"' EXIT
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$PORT/moto-api/" > /dev/null 2>&1 && break
  sleep 0.1
done

export AWS_ENDPOINT_URL="http://127.0.0.1:$PORT" AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
export AWS_DEFAULT_REGION=ap-south-1 AWS_REGION=ap-south-1
BUCKET=rehearsal
"$TOOLS/bin/python" - "$BUCKET" <<'PY'
import sys, boto3
boto3.client("s3").create_bucket(Bucket=sys.argv[1],
    CreateBucketConfiguration={"LocationConstraint": "ap-south-1"})
PY

echo "==> sam package (to moto's S3)"
sam package --s3-bucket "$BUCKET" --output-template-file .aws-sam/packaged.yaml > /dev/null

echo "==> checking the packaged functions"
"$TOOLS/bin/python" - "$BUCKET" .aws-sam/packaged.yaml <<'PY'
import io, stat, sys, zipfile
import boto3
from samtranslator.yaml_helper import yaml_parse

bucket, packaged = sys.argv[1], sys.argv[2]
template = yaml_parse(open(packaged).read())
s3 = boto3.client("s3")
functions = {k: r for k, r in template["Resources"].items()
             if r["Type"] == "AWS::Serverless::Function"}
import json
declared = sorted(f["logical_id"] for f in json.load(open("functions.json")))
assert sorted(functions) == declared, (sorted(functions), declared)
failures = []
for name, res in sorted(functions.items()):
    uri = res["Properties"]["CodeUri"]
    assert uri.startswith(f"s3://{bucket}/"), f"{name}: CodeUri {uri}"
    body = s3.get_object(Bucket=bucket, Key=uri.split("/", 3)[3])["Body"].read()
    z = zipfile.ZipFile(io.BytesIO(body))
    infos = z.infolist()
    names = [i.filename for i in infos]
    if names != ["bootstrap"]:
        failures.append(f"{name}: the zip holds {names[:5]}{'...' if len(names) > 5 else ''}")
        continue
    info = infos[0]
    mode = info.external_attr >> 16
    elf = z.read("bootstrap")[:20]
    machine = int.from_bytes(elf[18:20], "little")
    if not mode & stat.S_IXUSR:
        failures.append(f"{name}: bootstrap is not executable (mode {oct(mode)})")
    if elf[:4] != b"\x7fELF" or machine != 0xB7:
        failures.append(f"{name}: bootstrap is not an arm64 ELF (machine {machine:#x})")
    print(f"{name}: bootstrap, {info.file_size / 1e6:.1f} MB, zip {len(body) / 1e6:.1f} MB")
if failures:
    sys.exit("\n".join(failures))
print("==> rehearsal passed: each function is one executable arm64 bootstrap")
PY
