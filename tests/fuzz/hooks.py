"""Schemathesis hooks for the API fuzz run (tests/fuzz/run.sh).

Authentication: a signed-in user for every test case that needs a token, and an admin session
cookie for the admin routes (the server runs with a test number as its admin: code 123456).
Routes that revoke their own session or others' (logout, session delete, password change,
account delete, admin sign-out) get a brand-new session per test case, so they never revoke
the one the other cases use; every other route shares one user (made again when an admin case
suspended it) and one admin session. Users are made through the public API of the local server:
request a code, read it from the console outbox (GET /_dev/sms), verify it, register.

Hints: generated data cannot hold what only the server issues (a fresh verification token, a
refresh token, a session id, an uploaded image, a code from the outbox, a passkey ceremony) or
what only one user or device knows (its password, its passkey's private key: tests/fuzz/passkey.py). For the operations that need such values, one case in `HINT_EVERY` is
given real ones just before it is sent (`before_call`; schemathesis revalidates the edited case,
so its checks judge it as the valid request it now is); the others keep the generated data.

Every answer is recorded (`FUZZ_CALLS`), so tests/fuzz/run.sh can report which operations
reached a 2xx.
"""

import collections
import itertools
import os
import random
import re

import requests
import schemathesis

from passkey import SoftPasskey

BASE = os.environ["FUZZ_BASE_URL"]
CALLS = os.environ.get("FUZZ_CALLS")
POOL_ID = os.environ.get("FUZZ_POOL_ID")
ADMIN_PHONE, ADMIN_CODE, ADMIN_PASSWORD = "+919999900001", "123456", "amber-kettle-7Qv"
PASSWORD = "blue-kettle-7Qv"
HINT_EVERY = 3
REVOKING = {
    ("POST", "/v1/auth/logout"),
    ("DELETE", "/v1/auth/sessions/{session_id}"),
    ("POST", "/v1/auth/password/change"),
    ("DELETE", "/v1/auth/account"),
    ("POST", "/v1/admin/logout"),
}
_numbers = itertools.count(random.randrange(10_000_000, 80_000_000))
_uses = itertools.count()
_hinted = collections.Counter()
# The credentials the auth hook put on cases: a case that carries anything else is testing
# authentication itself, and keeps what it was given.
_issued = set()


def _phone() -> str:
    return f"+9198{next(_numbers):08d}"


def _call(method: str, path: str, token: str | None = None, **kwargs) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    r = requests.request(method, f"{BASE}{path}", headers=headers, timeout=10, **kwargs)
    r.raise_for_status()
    return r.json().get("data", {}) if r.content else {}


def _verified(phone: str, code: str | None = None) -> dict:
    _call("POST", "/v1/auth/otp/request", json={"phone": phone})
    if code is None:
        code = _code_for(phone)
    return _call("POST", "/v1/auth/otp/verify", json={"phone": phone, "code": code})


def _code_for(phone: str) -> str:
    latest = requests.get(f"{BASE}/_dev/sms", params={"to": phone, "limit": 1}, timeout=10)
    return re.search(r"\d{4,}", latest.json()["messages"][0]["body"]).group(0)


def _register() -> dict:
    """Registers a fresh phone with PASSWORD: {phone, user_id, access_token, refresh_token}."""
    phone = _phone()
    vt = _verified(phone)["verification_token"]
    data = _call("POST", "/v1/auth/register", json={"verification_token": vt, "name": "Fuzz", "password": PASSWORD})
    return {"phone": phone, "user_id": data["user"]["user_id"], **data["tokens"]}


def _new_user() -> str:
    """Registers a fresh phone with a password; returns its access token."""
    return _register()["access_token"]


def _admin_sign_in() -> dict:
    """The admin's sign-in body (registering the admin on first use)."""
    v = _verified(ADMIN_PHONE, ADMIN_CODE)
    if not v["account_exists"]:
        body = {"verification_token": v["verification_token"], "name": "Fuzz Admin", "password": ADMIN_PASSWORD}
        _call("POST", "/v1/auth/register", json=body)
        v = _verified(ADMIN_PHONE, ADMIN_CODE)
    return {"phone": ADMIN_PHONE, "password": ADMIN_PASSWORD, "verification_token": v["verification_token"]}


def _admin_session() -> str:
    """Signs the admin in; returns the session cookie's value."""
    r = requests.post(f"{BASE}/v1/admin/login", json=_admin_sign_in(), timeout=10)
    r.raise_for_status()
    return r.cookies["admin_session"]


def _with_kyc(user: dict) -> dict:
    """`user` with one uploaded JPEG front image and a pending KYC submission."""
    image = b"\xff\xd8\xff\xe0" + os.urandom(1020)
    ticket = _call("POST", "/v1/users/kyc/uploads", user["access_token"],
                   json={"purpose": "front", "content_type": "image/jpeg", "content_length": len(image)})
    requests.put(ticket["upload_url"], data=image, headers=ticket["headers"], timeout=10).raise_for_status()
    user["kyc_body"] = {"document_type": "aadhaar", "document_number": "2345 6789 0124",
                        "front_image_url": ticket["image_url"]}
    return user


def _as(case, user: dict) -> None:
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {user['access_token']}"}


def _hint_verify(case):
    phone = _phone()
    _call("POST", "/v1/auth/otp/request", json={"phone": phone})
    case.body = {"phone": phone, "code": _code_for(phone)}


def _hint_register(case):
    vt = _verified(_phone())["verification_token"]
    case.body = {"verification_token": vt, "name": "Fuzz Hint", "password": PASSWORD}


def _hint_login(case):
    case.body = {"phone": _register()["phone"], "password": PASSWORD}


def _hint_refresh(case):
    case.body = {"refresh_token": _register()["refresh_token"]}


def _hint_password_change(case):
    _as(case, _register())
    case.body = {"current_password": PASSWORD, "new_password": "green-ladder-4Rz"}


def _hint_password_reset(case):
    vt = _verified(_register()["phone"])["verification_token"]
    case.body = {"verification_token": vt, "new_password": "green-ladder-4Rz"}


def _hint_phone_change(case):
    _as(case, _register())
    case.body = {"verification_token": _verified(_phone())["verification_token"]}


def _hint_delete_account(case):
    _as(case, _register())
    case.body = {"password": PASSWORD}


def _hint_delete_session(case):
    user = _register()
    _call("POST", "/v1/auth/login", json={"phone": user["phone"], "password": PASSWORD})
    sessions = _call("GET", "/v1/auth/sessions", user["access_token"])["items"]
    _as(case, user)
    case.path_parameters = {"session_id": next(s["session_id"] for s in sessions if not s["current"])}


def _hint_members(case):
    user = _register()
    _call("POST", f"/v1/pools/{POOL_ID}/join", user["access_token"])
    _as(case, user)
    case.path_parameters = {"pool_id": POOL_ID}


def _hint_profile(case):
    case.body = {"name": "Asha Verma", "email": "asha@example.com", "state": "Karnataka",
                 "city": "Bengaluru", "dob": "1990-04-12", "family_size": 4}


def _hint_kyc_submit(case):
    user = _with_kyc(_register())
    _as(case, user)
    case.body = user["kyc_body"]


def _hint_kyc_patch(case):
    user = _with_kyc(_register())
    _call("POST", "/v1/users/kyc", user["access_token"], json=user["kyc_body"])
    _as(case, user)
    case.body = {"document_number": "2345 6789 0124"}


def _admin_call(method: str, path: str, body: dict | None = None) -> dict:
    if FreshSessions.admin is None:
        FreshSessions.admin = _admin_session()
    cookie = {"Cookie": f"admin_session={FreshSessions.admin}"}
    r = requests.request(method, f"{BASE}{path}", json=body, headers=cookie, timeout=10)
    r.raise_for_status()
    return r.json()["data"]


def _verified_user() -> dict:
    """A fresh user whose KYC an admin has verified (it may borrow)."""
    user = _with_kyc(_register())
    _call("POST", "/v1/users/kyc", user["access_token"], json=user["kyc_body"])
    _admin_call("POST", f"/v1/admin/users/{user['user_id']}/kyc/review", {"decision": "VERIFIED"})
    return user


def _borrower(funds: int = 0) -> dict:
    """A fresh user with a verified KYC, a loan of 1,200 and `funds` in its wallet."""
    user = _verified_user()
    uid = user["user_id"]
    terms = {"amount_disbursed": 1000, "payback_amount": 1200, "installment_amount": 100,
             "installment_period": "WEEKLY", "purpose": "seeds", "loan_type": "crop",
             "idempotency_key": f"fuzz-loan-{next(_numbers)}"}
    user["loan_id"] = _admin_call("POST", f"/v1/admin/users/{uid}/loans", terms)["loan"]["loan_id"]
    if funds:
        adjust = {"amount": funds, "reason": "fuzz top up", "idempotency_key": f"fuzz-fund-{next(_numbers)}"}
        _admin_call("POST", f"/v1/admin/users/{uid}/wallet/adjust", adjust)
    return user


def _hint_loan(case):
    user = _borrower()
    _as(case, user)
    case.path_parameters = {"loan_id": user["loan_id"]}


def _hint_repay(case):
    user = _borrower(funds=500)
    _as(case, user)
    case.path_parameters = {"loan_id": user["loan_id"]}
    case.body = {"amount": 200, "idempotency_key": f"fuzz-repay-{next(_numbers)}"}


def _hint_disburse(case):
    case.path_parameters = {"user_id": _verified_user()["user_id"]}
    case.body = {"amount_disbursed": 1000, "payback_amount": 1200, "installment_amount": 100,
                 "installment_period": "MONTHLY", "purpose": "seeds", "loan_type": "crop",
                 "idempotency_key": f"fuzz-loan-{next(_numbers)}"}


def _hint_record_repayment(case):
    user = _borrower()
    case.path_parameters = {"user_id": user["user_id"], "loan_id": user["loan_id"]}
    case.body = {"amount": 300, "note": "cash", "idempotency_key": f"fuzz-repay-{next(_numbers)}"}


# The local server's relying party is localhost on its own port.
ORIGIN = BASE.replace("127.0.0.1", "localhost")


def _enrolled(user: dict) -> tuple[SoftPasskey, str]:
    """A software passkey registered to `user`; with its passkey id."""
    key = SoftPasskey(ORIGIN)
    started = _call("POST", "/v1/auth/passkeys/register/options", user["access_token"], json={})
    body = {"ceremony_id": started["ceremony_id"], "credential": key.register(started["options"])}
    passkey = _call("POST", "/v1/auth/passkeys", user["access_token"], json=body)["passkey"]
    return key, passkey["passkey_id"]


def _hint_passkey_register(case):
    user = _register()
    started = _call("POST", "/v1/auth/passkeys/register/options", user["access_token"], json={})
    _as(case, user)
    credential = SoftPasskey(ORIGIN).register(started["options"])
    case.body = {"ceremony_id": started["ceremony_id"], "credential": credential, "name": "Fuzz phone"}


def _hint_passkey_remove(case):
    user = _register()
    _, passkey_id = _enrolled(user)
    _as(case, user)
    case.path_parameters = {"passkey_id": passkey_id}


def _hint_passkey_login(case):
    key, _ = _enrolled(_register())
    started = _call("POST", "/v1/auth/passkeys/login/options", json={})
    case.body = {"ceremony_id": started["ceremony_id"], "credential": key.sign_in(started["options"])}


def _admin_fresh_passkey_slot() -> None:
    """Removes the admin's passkeys (the hints add one each; 10 is the cap)."""
    for p in _admin_call("GET", "/v1/admin/passkeys")["items"]:
        _admin_call("DELETE", f"/v1/admin/passkeys/{p['passkey_id']}", {})


def _hint_admin_passkey_register(case):
    _admin_fresh_passkey_slot()
    started = _admin_call("POST", "/v1/admin/passkeys/register/options", {})
    credential = SoftPasskey(ORIGIN).register(started["options"])
    case.body = {"ceremony_id": started["ceremony_id"], "credential": credential}


def _hint_admin_passkey_remove(case):
    _admin_fresh_passkey_slot()
    started = _admin_call("POST", "/v1/admin/passkeys/register/options", {})
    body = {"ceremony_id": started["ceremony_id"], "credential": SoftPasskey(ORIGIN).register(started["options"])}
    case.path_parameters = {"passkey_id": _admin_call("POST", "/v1/admin/passkeys", body)["passkey"]["passkey_id"]}
    case.body = {}


# The prefix a prefix-mode change may BLOCK: the hooks' own numbers (+9198<counter>) are under
# +9198100..+9198799, and a stateful scenario can take one from the prefix list and block it.
SPARE_PREFIX = "+9198999"


def _hint_prefix_mode(case):
    case.path_parameters = {"prefix": SPARE_PREFIX}
    case.body = {"mode": "AUTO", "reason": "fuzz check"}


def _hint_admin_login(case):
    case.body = _admin_sign_in()


def _hint_kyc_review(case):
    user = _with_kyc(_register())
    _call("POST", "/v1/users/kyc", user["access_token"], json=user["kyc_body"])
    case.path_parameters = {"user_id": user["user_id"]}
    case.body = {"decision": "VERIFIED"}


HINTS = {
    ("POST", "/v1/auth/otp/verify"): _hint_verify,
    ("POST", "/v1/auth/register"): _hint_register,
    ("POST", "/v1/auth/login"): _hint_login,
    ("POST", "/v1/auth/refresh"): _hint_refresh,
    ("POST", "/v1/auth/password/change"): _hint_password_change,
    ("POST", "/v1/auth/password/reset"): _hint_password_reset,
    ("POST", "/v1/auth/phone/change"): _hint_phone_change,
    ("DELETE", "/v1/auth/account"): _hint_delete_account,
    ("DELETE", "/v1/auth/sessions/{session_id}"): _hint_delete_session,
    ("GET", "/v1/pools/{pool_id}/members"): _hint_members,
    ("PUT", "/v1/users/profile"): _hint_profile,
    ("POST", "/v1/users/kyc"): _hint_kyc_submit,
    ("PATCH", "/v1/users/kyc"): _hint_kyc_patch,
    ("POST", "/v1/admin/login"): _hint_admin_login,
    ("POST", "/v1/admin/users/{user_id}/kyc/review"): _hint_kyc_review,
    ("GET", "/v1/users/loans/{loan_id}"): _hint_loan,
    ("POST", "/v1/users/loans/{loan_id}/repay"): _hint_repay,
    ("POST", "/v1/admin/users/{user_id}/loans"): _hint_disburse,
    ("POST", "/v1/admin/users/{user_id}/loans/{loan_id}/repayments"): _hint_record_repayment,
    ("POST", "/v1/auth/passkeys"): _hint_passkey_register,
    ("DELETE", "/v1/auth/passkeys/{passkey_id}"): _hint_passkey_remove,
    ("POST", "/v1/auth/passkeys/login"): _hint_passkey_login,
    ("POST", "/v1/admin/passkeys"): _hint_admin_passkey_register,
    ("DELETE", "/v1/admin/passkeys/{passkey_id}"): _hint_admin_passkey_remove,
    ("PUT", "/v1/admin/sms/prefixes/{prefix}"): _hint_prefix_mode,
}


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
        _issued.add(data)
        case.headers = case.headers or {}
        if _admin_route(case):
            case.headers["Cookie"] = f"admin_session={data}"
        elif not case.path.startswith("/admin"):
            case.headers["Authorization"] = f"Bearer {data}"


def _credentials_as_issued(case) -> bool:
    headers = case.headers or {}
    if _admin_route(case):
        cookie = headers.get("Cookie", "")
        return cookie.startswith("admin_session=") and cookie.split("=", 1)[1] in _issued
    bearer = headers.get("Authorization")
    needs_bearer = case.operation.definition.raw.get("security")
    if not needs_bearer:
        return bearer is None or bearer[7:] in _issued
    return bearer is not None and bearer.startswith("Bearer ") and bearer[7:] in _issued


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    key = (case.method.upper(), case.path)
    params = case.path_parameters or {}
    if str(params.get("prefix", "")).startswith("+9198"):
        params["prefix"] = SPARE_PREFIX
    hint = HINTS.get(key)
    if hint is not None and _credentials_as_issued(case) and _hinted[key] % HINT_EVERY == 0:
        hint(case)
    _hinted[key] += 1


@schemathesis.hook
def after_call(ctx, case, response):
    if CALLS:
        with open(CALLS, "a") as f:
            f.write(f"{case.method.upper()} {case.path} {response.status_code}\n")
