"""Every flow of the README against a running local server, printing each step: two users
(the second joins the first one's pool), sign-in by password and by code, refresh, profile,
a KYC submission with an uploaded image, wallet, risk score, usage statistics, a phone change,
pools, and (with --admin-phone) the admin sign-in and users list. Codes are read from the
server's outbox (`GET /_dev/sms`); nothing is copied by hand. Standard library only.

Usage: python3 scripts/try.py [--base http://127.0.0.1:3000]
           [--admin-phone +919999900001 --admin-code 123456 --admin-password ...]
       (for the admin part, start the server as the README's admin section says)
Exits non-zero at the first answer that is not the expected one.
"""

import argparse
import datetime
import json
import os
import random
import sys
import urllib.error
import urllib.parse
import urllib.request

BASE = "http://127.0.0.1:3000"
PASSWORD = "amber-canyon-4417"


def step(text):
    print(f"==> {text}", flush=True)


def call(method, path, body=None, token=None, expect=200, headers=None, raw=None):
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    req = urllib.request.Request(path if path.startswith("http") else BASE + path, data=data, method=method)
    if body is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            status, text = res.status, res.read()
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read()
    payload = json.loads(text or b"{}") if text[:1] in (b"{", b"[") else {}
    print(f"    {method} {path.split('?')[0] if not path.startswith('http') else 'upload URL'} -> {status}")
    if status != expect:
        sys.exit(f"unexpected {status} (wanted {expect}): {payload}")
    return payload.get("data", payload)


def code_for(phone):
    q = urllib.parse.urlencode({"to": phone, "limit": 1})
    messages = call("GET", f"/_dev/sms?{q}")["messages"]
    return next(w for w in messages[0]["body"].replace(".", " ").split() if w.isdigit() and len(w) >= 4)


def verified(phone, code=None):
    call("POST", "/v1/auth/otp/request", {"phone": phone})
    v = call("POST", "/v1/auth/otp/verify", {"phone": phone, "code": code or code_for(phone)})
    return v["verification_token"], v["account_exists"]


def sign_up(phone, name):
    step(f"{name} proves {phone} with a code and registers")
    vt, exists = verified(phone)
    assert not exists, "a fresh number"
    return call("POST", "/v1/auth/register", {"verification_token": vt, "name": name, "password": PASSWORD},
                expect=201)


def sessions(phone, signed):
    step("sign in by password, by code; rotate the refresh token; list sessions")
    call("POST", "/v1/auth/login", {"phone": phone, "password": PASSWORD})
    vt, exists = verified(phone)
    assert exists
    call("POST", "/v1/auth/login", {"verification_token": vt})
    tokens = call("POST", "/v1/auth/refresh", {"refresh_token": signed["tokens"]["refresh_token"]})["tokens"]
    call("GET", "/v1/auth/me", token=tokens["access_token"])
    call("GET", "/v1/auth/sessions", token=tokens["access_token"])
    return tokens["access_token"]


def users_flows(t):
    step("profile, KYC with an uploaded image, wallet, risk score, usage statistics")
    call("PUT", "/v1/users/profile", {"name": "Asha Verma", "email": "asha@example.com", "state": "Karnataka",
                                      "city": "Bengaluru", "dob": "1990-04-12", "family_size": 4,
                                      "annual_income": 60000000, "business_location": "Jayanagar"}, token=t)
    call("PATCH", "/v1/users/profile", {"language": "kn"}, token=t)
    image = b"\xff\xd8\xff\xe0" + os.urandom(2044)  # a JPEG's first bytes: the server checks them
    ticket = call("POST", "/v1/users/kyc/uploads",
                  {"purpose": "front", "content_type": "image/jpeg", "content_length": len(image)},
                  token=t, expect=201)
    call("PUT", ticket["upload_url"], raw=image, headers=ticket["headers"])
    kyc = call("POST", "/v1/users/kyc", {"document_type": "aadhaar", "document_number": "2345 6789 0124",
                                         "front_image_url": ticket["image_url"]}, token=t, expect=201)
    print(f"    KYC {kyc['kyc']['status']}, number {kyc['kyc']['masked_document_number']}")
    call("GET", "/v1/users/kyc/status", token=t)
    call("GET", "/v1/users/wallet", token=t)
    call("GET", "/v1/users/wallet/transactions?limit=20", token=t)
    risk = call("POST", "/v1/users/risk-score", {"job_age": "3_5", "family": "2_3", "age": "26_35",
                                                 "saving_money": "10_25", "loans": "1", "living": "rented"},
                token=t)
    print(f"    risk score {risk['score']} ({risk['band']})")
    call("GET", "/v1/users/analytics/usage-stats", token=t)


def pools_flows(owner, member):
    step("a pool: created by one user, joined, read, listed and left by the other")
    deadline = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    pool = call("POST", "/v1/pools", {"name": "Diwali chit", "contribution_amount": 50000, "deadline": deadline,
                                      "pool_type": "MONTHLY", "total_members": 10}, token=owner, expect=201)
    pid = pool["pool"]["pool_id"]
    call("POST", f"/v1/pools/{pid}/join", token=member)
    call("GET", f"/v1/pools/{pid}", token=member)
    call("GET", "/v1/pools?role=member&limit=20", token=member)
    call("GET", "/v1/pools?role=owner", token=owner)
    call("GET", f"/v1/pools/{pid}/members", token=owner)
    call("POST", f"/v1/pools/{pid}/leave", token=member)


def phone_change(t, new_phone):
    step(f"move the second account to {new_phone}")
    vt, _ = verified(new_phone)
    call("POST", "/v1/auth/phone/change", {"verification_token": vt}, token=t)


def loan_flows(cookie, user_id, t):
    step("the admin verifies the KYC, disburses a loan and tops up the wallet; the user repays from it")
    admin = {"Cookie": cookie}
    users = f"/v1/admin/users/{user_id}"
    call("POST", users + "/kyc/review", {"decision": "VERIFIED"}, headers=admin)
    terms = {"amount_disbursed": 1000000, "payback_amount": 1200000, "installment_amount": 100000,
             "installment_period": "WEEKLY", "purpose": "seeds for the kharif season", "loan_type": "crop",
             "idempotency_key": f"try-loan-{random.randrange(10**12)}"}
    loan = call("POST", users + "/loans", terms, headers=admin, expect=201)["loan"]
    call("POST", users + "/wallet/adjust", {"amount": 50000, "reason": "top up",
                                            "idempotency_key": f"try-fund-{random.randrange(10**12)}"}, headers=admin)
    call("GET", "/v1/users/loans", token=t)
    repaid = call("POST", f"/v1/users/loans/{loan['loan_id']}/repay",
                  {"amount": 50000, "idempotency_key": f"try-repay-{random.randrange(10**12)}"}, token=t)
    print(f"    outstanding {repaid['loan']['outstanding']} paise, wallet {repaid['wallet']['balance']} paise")
    call("GET", "/v1/admin/roles", headers=admin)


def admin_flows(phone, code, password, borrower):
    step(f"the admin {phone} signs in (code and password) and lists users")
    vt, exists = verified(phone, code)
    if not exists:
        call("POST", "/v1/auth/register", {"verification_token": vt, "name": "Local Admin", "password": password},
             expect=201)
        vt, _ = verified(phone, code)
    req = urllib.request.Request(BASE + "/v1/admin/login", method="POST", data=json.dumps(
        {"phone": phone, "password": password, "verification_token": vt}).encode(),
        headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as res:
        cookie = res.headers["Set-Cookie"].split(";")[0]
        print(f"    POST /v1/admin/login -> {res.status}")
    users = call("GET", "/v1/admin/users?limit=5", headers={"Cookie": cookie})
    print(f"    {len(users['items'])} users on the first page")
    call("GET", "/v1/admin/users?kyc_status=PENDING", headers={"Cookie": cookie})
    loan_flows(cookie, *borrower)


def main():
    global BASE
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--base", default=BASE)
    p.add_argument("--admin-phone")
    p.add_argument("--admin-code")
    p.add_argument("--admin-password", default="quiet-harbor-2718")
    args = p.parse_args()
    BASE = args.base.rstrip("/")
    step("health")
    call("GET", "/v1/health")
    # Fresh numbers each run, so the script works against a server that already saw some.
    n = random.randint(10000, 89999)
    first, second, moved = (f"+9198164{n:05d}", f"+9198165{n:05d}", f"+9198166{n:05d}")
    asha = sign_up(first, "Asha")
    ravi = sign_up(second, "Ravi")
    t = sessions(first, asha)
    users_flows(t)
    pools_flows(t, ravi["tokens"]["access_token"])
    phone_change(ravi["tokens"]["access_token"], moved)
    if args.admin_phone:
        admin_flows(args.admin_phone, args.admin_code, args.admin_password, (asha["user"]["user_id"], t))
    else:
        step("admin part skipped (start the server as the README's admin section says, pass --admin-phone)")
    step("every flow answered as documented")


if __name__ == "__main__":
    main()
