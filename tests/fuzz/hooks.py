"""Schemathesis hooks for the API fuzz run (tests/run.sh).

Authentication: a signed-in user for every test case that needs a token. Routes that revoke
their own session or others' (logout, session delete, password change, account delete) get a
brand-new user per test case, so they never revoke the session the other cases use; every
other route shares one user. Users are made through the public API of the local server:
request a code, read it from the console outbox (GET /_dev/sms), verify it, register.
"""

import itertools
import os
import random
import re

import requests
import schemathesis

BASE = os.environ["FUZZ_BASE_URL"]
PASSWORD = "blue-kettle-7Qv"
REVOKING = {
    ("POST", "/v1/auth/logout"),
    ("DELETE", "/v1/auth/sessions/{session_id}"),
    ("POST", "/v1/auth/password/change"),
    ("DELETE", "/v1/auth/account"),
}
_numbers = itertools.count(random.randrange(10_000_000, 80_000_000))


def _new_user() -> str:
    """Registers a fresh phone with a password; returns its access token."""
    phone = f"+9198{next(_numbers):08d}"
    s = requests.Session()
    r = s.post(f"{BASE}/v1/auth/otp/request", json={"phone": phone}, timeout=10)
    r.raise_for_status()
    latest = s.get(f"{BASE}/_dev/sms", params={"to": phone, "limit": 1}, timeout=10)
    body = latest.json()["messages"][0]["body"]
    code = re.search(r"\d{4,}", body).group(0)
    r = s.post(f"{BASE}/v1/auth/otp/verify", json={"phone": phone, "code": code}, timeout=10)
    r.raise_for_status()
    token = r.json()["data"]["verification_token"]
    r = s.post(
        f"{BASE}/v1/auth/register",
        json={"verification_token": token, "name": "Fuzz", "password": PASSWORD},
        timeout=10,
    )
    r.raise_for_status()
    return r.json()["data"]["tokens"]["access_token"]


@schemathesis.auth(refresh_interval=None)
class FreshSessions:
    shared = None

    def get(self, case, ctx):
        if (case.method.upper(), case.path) in REVOKING:
            return _new_user()
        if FreshSessions.shared is None:
            FreshSessions.shared = _new_user()
        return FreshSessions.shared

    def set(self, case, data, ctx):
        if case.path.startswith(("/v1/admin", "/admin")):
            return  # admin routes take an admin session cookie, never a Bearer token
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"
