#!/usr/bin/env python3
"""Monthly AWS bill for the phone-auth backend, from measured counts, side by side with Amazon
Cognito Essentials. Usage: docs/cost.py [bench-output.txt]

Inputs, and where they come from:
- DynamoDB calls per route: tests/tests/round_trips.rs asserts them on the wire (an SDK
  interceptor); item sizes are under 1 KB, so a strongly consistent read is 1 RRU, a write
  1 WRU, and each item of a transaction 2 units.
- CPU per request: the warm table of bench/cold-start.sh (pass its output to use the latest
  figures); Lambda duration adds DYNAMODB_MS per DynamoDB round trip.
- Memory sizes: template.yaml (read here).
- Prices: public on-demand list prices, us-east-1, as checked 2026-11 (PRICES below); SMS to
  India is the SNS transactional rate per message before DLT operator fees: check it, it is
  nearly the whole bill.
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PRICES = {
    "lambda_arm_gb_s": 0.0000133334,
    "lambda_requests_per_m": 0.20,
    "http_api_per_m": 1.00,
    "ddb_wru_per_m": 0.625,
    "ddb_rru_per_m": 0.125,
    "ddb_storage_gb_month": 0.25,
    "sms_india": 0.00278,
    "cognito_essentials_mau": 0.015,
    "cognito_free_mau": 10_000,
}
DYNAMODB_MS = 6.0  # one DynamoDB round trip from Lambda in the same region
BYTES_PER_USER = 6_000  # profile, phone claim, a few sessions and devices, pool entries

# route: (function, reads, writes, transaction items, SMS, default CPU ms)
ROUTES = {
    "otp_request": ("auth", 3, 1, 8, 1, 0.05),  # batch read of 3 (prefix control and counts, country pauses); send transaction (cooldown + 6 counters + prefix conversion) + code put
    "otp_verify": ("auth", 2, 3, 0, 0, 0.05),  # read code, burn it, count it for its prefix, token put, account read
    "login_token": ("auth", 3, 3, 3, 0, 0.10),  # token, claim, user; burn, clear, counted session (tx 2 items) + login count
    "authed_call": ("pools", 3, 0, 0, 0, 0.07),  # session + user + one read of the route
    # tests/tests/round_trips.rs: the IP's ceremony count, the ceremony
    "passkey_options": ("auth", 0, 2, 0, 0, 0.05),
    # take the ceremony, IP unit held and given back, claim + passkey + user, counter; session tx 2 items + login count
    "passkey_login": ("auth", 3, 5, 2, 0, 0.30),
}
MIX = {"otp_request": 10, "otp_verify": 10, "login_token": 10, "authed_call": 50}
# Returning users sign in by passkey; a code (and its SMS) only proves a number: at sign-up and
# on a new phone, taken here as one user in ten each month (SMS_SHARE).
SMS_SHARE = 0.1
SIGN_INS = 10
MIX_PASSKEY = {
    "otp_request": SIGN_INS * SMS_SHARE, "otp_verify": SIGN_INS * SMS_SHARE, "login_token": SIGN_INS * SMS_SHARE,
    "passkey_options": SIGN_INS * (1 - SMS_SHARE), "passkey_login": SIGN_INS * (1 - SMS_SHARE), "authed_call": 50,
}


def memory_sizes():
    text = (ROOT / "template.yaml").read_text()
    sizes = {}
    for name, size in re.findall(r"\n  (\w+)Function:\n(?:.*\n)*?      MemorySize: (\d+)", text):
        sizes[name.lower()] = int(size)
    return sizes


def cpu_from_bench(path):
    cpu = {}
    for line in Path(path).read_text().splitlines():
        m = re.match(r"\| (GET|POST) (\S+) \| (\d+) µs \|", line)
        if m:
            cpu[f"{m.group(1)} {m.group(2)}"] = int(m.group(3)) / 1000
    return {
        "otp_request": cpu.get("POST /v1/auth/otp/request"),
        "authed_call": cpu.get("GET /v1/auth/me"),
    }


def per_mau(sizes, cpu, mix):
    total = {"lambda": 0.0, "requests": 0.0, "api": 0.0, "dynamodb": 0.0, "sms": 0.0}
    for route, n in mix.items():
        fn, reads, writes, tx_items, sms, default_cpu = ROUTES[route]
        ms = (cpu.get(route) or default_cpu) + DYNAMODB_MS * (reads + writes + (1 if tx_items else 0))
        gb = sizes.get(fn, 512) / 1024
        total["lambda"] += n * gb * ms / 1000 * PRICES["lambda_arm_gb_s"]
        total["requests"] += n * PRICES["lambda_requests_per_m"] / 1e6
        total["api"] += n * PRICES["http_api_per_m"] / 1e6
        wru, rru = writes + 2 * tx_items, reads
        total["dynamodb"] += n * (wru * PRICES["ddb_wru_per_m"] + rru * PRICES["ddb_rru_per_m"]) / 1e6
        total["sms"] += n * sms * PRICES["sms_india"]
    total["dynamodb"] += BYTES_PER_USER / 1e9 * PRICES["ddb_storage_gb_month"]
    return total


def table(unit):
    print("| monthly active users | Lambda | requests + HTTP API | DynamoDB | SMS (India) | **total** | without SMS | Cognito Essentials + the same SMS |")
    print("|---|---|---|---|---|---|---|---|")
    for mau in (100_000, 1_000_000):
        lam, req = unit["lambda"] * mau, (unit["requests"] + unit["api"]) * mau
        ddb, sms = unit["dynamodb"] * mau, unit["sms"] * mau
        total = lam + req + ddb + sms
        cognito = max(0, mau - PRICES["cognito_free_mau"]) * PRICES["cognito_essentials_mau"] + sms
        print(f"| {mau:,} | ${lam:,.2f} | ${req:,.2f} | ${ddb:,.2f} | ${sms:,.0f} | **${total:,.0f}** | ${total - sms:,.2f} | ${cognito:,.0f} |")


def main():
    sizes = memory_sizes()
    cpu = cpu_from_bench(sys.argv[1]) if len(sys.argv) > 1 else {}
    print(f"Memory sizes (template.yaml): {sizes}; per user and month: "
          f"{sum(MIX[r] for r in MIX if r != 'authed_call')} sign-in requests, {MIX['authed_call']} authenticated calls.\n")
    print("Every sign-in by code:\n")
    table(per_mau(sizes, cpu, MIX))
    print(f"\nReturning users by passkey ({SIGN_INS} sign-ins a month; codes only for the {SMS_SHARE:.0%} "
          "of users who sign up or change phones that month):\n")
    table(per_mau(sizes, cpu, MIX_PASSKEY))


if __name__ == "__main__":
    main()
