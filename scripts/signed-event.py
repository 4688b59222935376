"""Prints an event file of `events/` with a real access token in place of the placeholder
`paste-access-token`, for `cargo lambda invoke --data-file`.

The token comes from a local server that shares the functions' settings (the same
`.env.lambda`: tables in moto and the signing key), so the functions under cargo-lambda accept
it. The phone should be a test number of that env file (`TEST_PHONE_NUMBERS`), whose code is
fixed; the account is registered on first use and signed in afterwards.

Usage: python3 scripts/signed-event.py events/users/wallet.json \\
           [--base http://127.0.0.1:3001] [--phone +919999900002] [--code 123456] > /tmp/wallet.json
Standard library only.
"""

import argparse
import json
import sys
import urllib.error
import urllib.request

PLACEHOLDER = "paste-access-token"


def post(base, path, body):
    req = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            return json.loads(res.read())["data"]
    except urllib.error.HTTPError as e:
        sys.exit(f"signed-event.py: {path} answered {e.code}: {e.read().decode()[:300]}")
    except urllib.error.URLError as e:
        sys.exit(f"signed-event.py: no server at {base} ({e.reason}); start local-api with the same env file")


def token(base, phone, code):
    post(base, "/v1/auth/otp/request", {"phone": phone})
    v = post(base, "/v1/auth/otp/verify", {"phone": phone, "code": code})
    vt = v["verification_token"]
    if v["account_exists"]:
        return post(base, "/v1/auth/login", {"verification_token": vt})["tokens"]["access_token"]
    body = {"verification_token": vt, "name": "Event Tester"}
    return post(base, "/v1/auth/register", body)["tokens"]["access_token"]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("event")
    p.add_argument("--base", default="http://127.0.0.1:3001")
    p.add_argument("--phone", default="+919999900002")
    p.add_argument("--code", default="123456")
    args = p.parse_args()
    text = open(args.event).read()
    if PLACEHOLDER not in text:
        sys.exit(f"signed-event.py: {args.event} has no {PLACEHOLDER} to fill")
    print(text.replace(PLACEHOLDER, token(args.base.rstrip("/"), args.phone, args.code)), end="")


if __name__ == "__main__":
    main()
