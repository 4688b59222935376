#!/usr/bin/env python3
"""Attack replay of the SMS pumping defence (issue 25), against the local server: not a timed
test, a measurement. For each setting it starts target/debug/local-api (memory store, console
SMS), replays one hour of traffic, and prints what the attacker got and what real users lost.

Traffic (one conversion window, interleaved at random with a fixed seed):
- Real users of an India-first app: 400 in India over 40 number prefixes (10 each) and 3 in
  the UK (0.7%, the diaspora share such an app sees), each in its own prefix; each asks for a
  code, 10% ask again before entering it, and 85% enter it (a realistic share: the rest give
  up or sign in later). Real users of the attacked country are the ones the defence can hurt
  (while prefixes of a country keep pausing, its prefixes with no code entered share one
  prefix's sends): the share of real sends refused is about that country's share of real
  traffic.
- The attacker: walks UK mobile prefixes +44 7400 0.. +44 7409 9 (100 prefixes of 5 digits),
  asking for codes to fresh numbers of each until one is refused (429 or 503), then moves to
  the next; it never enters a code. Real traffic comes from many IPs and so does the attack:
  the per-IP cap is lifted (everything here comes from loopback).

Settings: the fixed limits alone (SMS_DEFENCE_MODE=off: 50 codes per prefix and hour, 1,000 SMS
per hour for the deployment), the defaults (MIN_SENDS 20, MIN_RATE 0.2) and two others.

Usage: bench/pumping.py   (after `cargo build --bin local-api`)
"""

import json
import os
import random
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = os.environ.get("LOCAL_API_BIN", str(ROOT / "target/debug/local-api"))
SETTINGS = [
    ("fixed limits alone", {"SMS_DEFENCE_MODE": "off"}),
    ("defaults (20 sends, 20%)", {}),
    ("stricter (10 sends, 30%)", {"SMS_CONVERSION_MIN_SENDS": "10", "SMS_CONVERSION_MIN_RATE": "0.3"}),
    ("laxer (40 sends, 10%)", {"SMS_CONVERSION_MIN_SENDS": "40", "SMS_CONVERSION_MIN_RATE": "0.1"}),
]
COMMON = {
    "STORE": "memory", "SMS_SENDER": "console", "RUST_LOG": "error", "ALLOWED_COUNTRIES": "IN,GB",
    "OTP_RESEND_SECONDS": "0", "OTP_MAX_PER_IP_HOUR": "100000",
}


def start(extra):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    env = {**os.environ, **COMMON, **extra, "PORT": str(port)}
    proc = subprocess.Popen([BIN], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/v1/health", timeout=1)
            return proc, base
        except OSError:
            time.sleep(0.05)
    proc.kill()
    sys.exit("the local server did not start")


def post(base, path, body):
    req = urllib.request.Request(base + path, json.dumps(body).encode(), {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def last_code(base, e164):
    with urllib.request.urlopen(f"{base}/_dev/sms?to={urllib.request.quote(e164)}&limit=1", timeout=10) as r:
        body = json.loads(r.read())["messages"][0]["body"]
    return next(w for w in body.replace(".", " ").split() if w.isdigit() and len(w) >= 4)


def real_users(rng):
    users = [("+91" + f"98{100 + p:03d}{rng.randrange(100000):05d}") for p in range(40) for _ in range(10)]
    users += [("+44" + f"7{911 + p:03d}{rng.randrange(1000000):06d}") for p in range(3)]
    return users


def replay(base, rng):
    """Interleaves the real users' sessions with the attacker's walk; returns the counts."""
    users = real_users(rng)
    rng.shuffle(users)
    real = {"sends": 0, "refused": 0}
    attack = {"sms": 0, "per_prefix": {}}
    prefix, tries, walked = 0, 0, 0

    def attacker_step():
        nonlocal prefix, tries, walked
        if prefix >= 100:
            return
        number = f"+4474{prefix:03d}{rng.randrange(100000):05d}"
        status = post(base, "/v1/auth/otp/request", {"phone": number})
        tries += 1
        if status == 200:
            attack["sms"] += 1
            attack["per_prefix"][prefix] = attack["per_prefix"].get(prefix, 0) + 1
        if status != 200 or tries >= 60:
            prefix, tries, walked = prefix + 1, 0, walked + 1

    for user in users:
        for _ in range(rng.randrange(8, 16)):
            attacker_step()
        asks = 2 if rng.random() < 0.10 else 1
        for _ in range(asks):
            real["sends"] += 1
            status = post(base, "/v1/auth/otp/request", {"phone": user})
            if status != 200:
                real["refused"] += 1
        if rng.random() < 0.85:
            try:
                post(base, "/v1/auth/otp/verify", {"phone": user, "code": last_code(base, user)})
            except (IndexError, StopIteration):
                pass
    while prefix < 100:
        attacker_step()
    attack["walked"] = walked
    return real, attack


def main():
    rows, baseline = [], None
    for name, extra in SETTINGS:
        proc, base = start(extra)
        try:
            real, attack = replay(base, random.Random(2026))
        finally:
            proc.kill()
            proc.wait()
        per = attack["per_prefix"].values()
        baseline = baseline if baseline is not None else attack["sms"]
        fewer = 1 - attack["sms"] / baseline if baseline else 0
        min_sends = int(extra.get("SMS_CONVERSION_MIN_SENDS", "20"))
        rows.append((name, attack["sms"], max(per, default=0), attack["walked"], fewer,
                     real["refused"], real["sends"], min_sends, extra.get("SMS_DEFENCE_MODE") == "off"))
    print("| setting | attacker's SMS (100 prefixes) | most in one prefix | fewer than fixed limits | real sends refused |")
    print("|---|---|---|---|---|")
    ok = True
    for name, sms, most, walked, fewer, refused, sends, min_sends, off in rows:
        share = refused / sends if sends else 0
        print(f"| {name} | {sms:,} | {most} | {'—' if off else f'{fewer:.1%}'} | {refused} of {sends} ({share:.2%}) |")
        if not off and name.startswith("defaults"):
            ok &= most <= min_sends + 5 and fewer >= 0.90 and share < 0.01
    print("\ntargets with the defaults (at most MIN_SENDS + 5 per prefix, 90% fewer SMS, under 1% of real sends refused):",
          "met" if ok else "NOT met")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
