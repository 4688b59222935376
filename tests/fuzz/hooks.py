"""Schemathesis hooks for the API fuzz run (tests/fuzz/run.sh).

Authentication: a signed-in user for every test case that needs a token, and an admin session
cookie for the admin routes (the server runs with a test number as its admin: code 123456).
Routes that revoke their own session or others' (logout, session delete, password change,
account delete, admin sign-out) get a brand-new session per test case, so they never revoke
the one the other cases use; every other route shares one user (made again when an admin case
suspended it) and one admin session. Users are made through the public API of the local server:
request a code, read it from the console outbox (GET /_dev/sms), verify it, register.

Every answer is recorded (`FUZZ_CALLS`), so tests/fuzz/run.sh can report which operations
reached a 2xx.
"""

import itertools
import os
import random
import re

import requests
import schemathesis

BASE = os.environ["FUZZ_BASE_URL"]
CALLS = os.environ.get("FUZZ_CALLS")
ADMIN_PHONE, ADMIN_CODE, ADMIN_PASSWORD = "+919999900001", "123456", "amber-kettle-7Qv"
PASSWORD = "blue-kettle-7Qv"
REVOKING = {
    ("POST", "/v1/auth/logout"),
    ("DELETE", "/v1/auth/sessions/{session_id}"),
    ("POST", "/v1/auth/password/change"),
    ("DELETE", "/v1/auth/account"),
    ("POST", "/v1/admin/logout"),
}
_numbers = itertools.count(random.randrange(10_000_000, 80_000_000))
_uses = itertools.count()


def _verified(s: requests.Session, phone: str, code: str | None = None) -> dict:
    r = s.post(f"{BASE}/v1/auth/otp/request", json={"phone": phone}, timeout=10)
    r.raise_for_status()
    if code is None:
        latest = s.get(f"{BASE}/_dev/sms", params={"to": phone, "limit": 1}, timeout=10)
        code = re.search(r"\d{4,}", latest.json()["messages"][0]["body"]).group(0)
    r = s.post(f"{BASE}/v1/auth/otp/verify", json={"phone": phone, "code": code}, timeout=10)
    r.raise_for_status()
    return r.json()["data"]


def _new_user() -> str:
    """Registers a fresh phone with a password; returns its access token."""
    phone = f"+9198{next(_numbers):08d}"
    s = requests.Session()
    token = _verified(s, phone)["verification_token"]
    r = s.post(
        f"{BASE}/v1/auth/register",
        json={"verification_token": token, "name": "Fuzz", "password": PASSWORD},
        timeout=10,
    )
    r.raise_for_status()
    return r.json()["data"]["tokens"]["access_token"]


def _admin_session() -> str:
    """Signs the admin in (registering it on first use); returns the session cookie's value."""
    s = requests.Session()
    v = _verified(s, ADMIN_PHONE, ADMIN_CODE)
    if not v["account_exists"]:
        body = {"verification_token": v["verification_token"], "name": "Fuzz Admin", "password": ADMIN_PASSWORD}
        s.post(f"{BASE}/v1/auth/register", json=body, timeout=10).raise_for_status()
        v = _verified(s, ADMIN_PHONE, ADMIN_CODE)
    body = {"phone": ADMIN_PHONE, "password": ADMIN_PASSWORD, "verification_token": v["verification_token"]}
    r = s.post(f"{BASE}/v1/admin/login", json=body, timeout=10)
    r.raise_for_status()
    return r.cookies["admin_session"]


def _admin_route(case) -> bool:
    return case.path.startswith("/v1/admin") and case.path != "/v1/admin/login"


@schemathesis.auth(refresh_interval=None)
class FreshSessions:
    shared = None
    admin = None

    def get(self, case, ctx):
        revoking = (case.method.upper(), case.path) in REVOKING
        if _admin_route(case):
            if revoking:
                return _admin_session()
            if FreshSessions.admin is None:
                FreshSessions.admin = _admin_session()
            return FreshSessions.admin
        if revoking:
            return _new_user()
        shared = FreshSessions.shared
        # An admin case may have suspended the shared user: every 20 uses, make sure it still
        # signs in, else make another one.
        stale = shared is not None and next(_uses) % 20 == 0 and requests.get(
            f"{BASE}/v1/auth/me", headers={"Authorization": f"Bearer {shared}"}, timeout=10
        ).status_code == 401
        if shared is None or stale:
            FreshSessions.shared = _new_user()
        return FreshSessions.shared

    def set(self, case, data, ctx):
        case.headers = case.headers or {}
        if _admin_route(case):
            case.headers["Cookie"] = f"admin_session={data}"
        elif not case.path.startswith("/admin"):
            case.headers["Authorization"] = f"Bearer {data}"


@schemathesis.hook
def after_call(ctx, case, response):
    if CALLS:
        with open(CALLS, "a") as f:
            f.write(f"{case.method.upper()} {case.path} {response.status_code}\n")
