"""The admin console in a real browser (headless Chromium from Debian, driven by Selenium),
against the local server, the way an operator works: sign in (code + password), find a user by
phone, work the KYC queue, open rows with the keyboard, reload and go back, review with the
forms of one user never carried to the next, confirm what cannot be undone, read the outcome
beside the button, page through lists, read the audit trail with names and diffs, see the idle
warning, sign out leaving nothing behind; then, on localhost with a virtual authenticator,
create a passkey, sign in with it alone, remove it (audited) and be refused with it. Every view is checked with axe-core (0 violations)
at 1440 and 390 px wide, and at 390 px nothing scrolls sideways. Screenshots go to target/.

Usage: console_test.py <base_url> <screenshot_dir>   (tests/browser/run.sh starts the server)
"""

import json
import pathlib
import struct
import sys
import urllib.error
import urllib.request
import zlib

import axe_core_python
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

BASE, SHOTS = sys.argv[1], sys.argv[2]
ADMIN, RAVI, MEERA = "+919816456580", "+919816456581", "+919816456582"
PASSWORD = "Console-Pass-2026"
AXE = (pathlib.Path(axe_core_python.__file__).parent / "axe.min.js").read_text()


def call(method, path, body=None, token=None, expect=200):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(BASE + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=10) as res:
            status, payload = res.status, json.loads(res.read() or b"{}")
    except urllib.error.HTTPError as e:
        status, payload = e.code, json.loads(e.read() or b"{}")
    assert status == expect, f"{method} {path}: {status} {payload}"
    return payload.get("data")


def last_code(phone):
    with urllib.request.urlopen(BASE + "/_dev/sms", timeout=10) as res:
        messages = json.loads(res.read())["messages"]
    body = [m["body"] for m in messages if m["to"] == phone][-1]
    return next(w for w in body.replace(".", " ").split() if w.isdigit() and len(w) >= 4)


def register(phone, name, password=None):
    call("POST", "/v1/auth/otp/request", {"phone": phone})
    vt = call("POST", "/v1/auth/otp/verify", {"phone": phone, "code": last_code(phone)})
    body = {"verification_token": vt["verification_token"], "name": name}
    if password:
        body["password"] = password
    return call("POST", "/v1/auth/register", body, expect=201)


def png(width=96, height=60, rgb=(37, 99, 235)):
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    chunk = lambda kind, data: (struct.pack(">I", len(data)) + kind + data
                                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def submit_kyc(token):
    image = png()
    ticket = call("POST", "/v1/users/kyc/uploads",
                  {"purpose": "front", "content_type": "image/png", "content_length": len(image)},
                  token=token, expect=201)
    req = urllib.request.Request(ticket["upload_url"], data=image, method="PUT")
    for k, v in ticket["headers"].items():
        req.add_header(k, v)
    urllib.request.urlopen(req, timeout=10)
    call("POST", "/v1/users/kyc", {"document_type": "aadhaar", "document_number": "2345 6789 0124",
                                  "front_image_url": ticket["image_url"]}, token=token, expect=201)


class Console:
    """The browser and the checks every step uses."""

    def __init__(self):
        options = Options()
        for arg in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1440,1000"]:
            options.add_argument(arg)
        options.binary_location = "/usr/bin/chromium"
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        self.driver.set_script_timeout(60)
        self.wait = WebDriverWait(self.driver, 15, ignored_exceptions=[StaleElementReferenceException])

    def by_id(self, i):
        return self.driver.find_element(By.ID, i)

    def visible(self, i):
        return self.wait.until(EC.visibility_of_element_located((By.ID, i)))

    def text(self, i, text):
        self.wait.until(EC.text_to_be_present_in_element((By.ID, i), text))

    def rows(self, table):
        return self.driver.find_elements(By.CSS_SELECTOR, f"#{table} tbody tr")

    def row_ids(self):
        return [r.get_attribute("data-user-id") for r in self.rows("users-table")]

    def wait_rows(self, table, count):
        self.wait.until(lambda d: len(self.rows(table)) == count)

    def confirm(self, expect_in_text, accept):
        dialog = self.visible("confirm")
        text = self.by_id("confirm-text").text + " " + self.by_id("confirm-title").text
        for part in expect_in_text:
            assert part in text, f"{part!r} not in the confirmation {text!r}"
        self.by_id("confirm-ok" if accept else "confirm-cancel").click()
        self.wait.until(lambda d: not dialog.is_displayed())

    def axe(self, view):
        self.driver.execute_script(AXE)
        found = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {resultTypes: ['violations']})"
            ".then(r => done(r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(' | '))))"
            ".catch(e => done(['axe failed: ' + e]));")
        assert found == [], f"axe on {view}: {found}"

    def no_sideways_scroll(self, view):
        width = self.driver.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], f"{view} scrolls sideways at 390 px: {width}"

    def shot(self, name):
        self.driver.save_screenshot(f"{SHOTS}/console-{name}.png")

    def fetch_status(self, path):
        return self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "fetch(arguments[0], {credentials: 'same-origin'}).then(r => done(r.status));",
            path)


def sign_in(c, base=BASE):
    c.driver.get(base + "/admin")
    c.visible("signin")
    c.axe("sign-in")
    c.by_id("phone").send_keys(ADMIN)
    c.by_id("send-code").click()
    c.visible("signin-form")
    c.by_id("code").send_keys(last_code(ADMIN))
    c.by_id("password").send_keys(PASSWORD)
    c.by_id("sign-in").click()
    c.visible("users")
    c.text("whoami", "Asha Admin")


def lists_search_queue_and_pages(c, ravi_id, meera_id):
    c.wait.until(lambda d: len(c.rows("users-table")) == 20)
    assert "******" in c.rows("users-table")[0].text and RAVI not in c.driver.page_source
    assert "₹" in c.rows("users-table")[0].text, "balances in rupees"
    c.axe("users")
    c.shot("users-1440")
    first_page = c.row_ids()
    c.by_id("next-page").click()
    c.wait.until(lambda d: c.row_ids() and c.row_ids() != first_page)
    assert "cursor=" in c.driver.current_url
    c.by_id("prev-page").click()
    c.wait.until(lambda d: c.row_ids() == first_page)
    assert c.by_id("prev-page").get_attribute("disabled") is not None

    c.by_id("search").send_keys("98164 56581" + Keys.ENTER)
    c.wait.until(lambda d: c.row_ids() == [ravi_id])
    assert "phone=" in c.driver.current_url

    c.by_id("nav-queue").click()
    c.wait.until(lambda d: c.row_ids() == [ravi_id, meera_id])
    assert "Review queue" in c.by_id("users-caption").text
    assert Select(c.by_id("kyc-filter")).first_selected_option.get_attribute("value") == "PENDING"


def keyboard_url_and_reload(c, ravi_id):
    row = c.rows("users-table")[0]
    c.driver.execute_script("arguments[0].focus()", row)
    row.send_keys(Keys.ENTER)
    c.visible("detail")
    c.text("detail-name", "Ravi Kumar")
    assert c.driver.current_url.endswith("#/users/" + ravi_id), c.driver.current_url
    assert c.driver.switch_to.active_element.get_attribute("id") == "detail-name", "the heading has focus"
    img = c.by_id("kyc-images").find_element(By.TAG_NAME, "img")
    c.wait.until(lambda d: d.execute_script("return arguments[0].complete && arguments[0].naturalWidth", img) == 96)
    c.driver.refresh()
    c.visible("detail")
    c.text("detail-name", "Ravi Kumar")
    c.text("whoami", "Asha Admin")
    c.axe("user detail")
    c.shot("user-1440")


def forms_start_empty(c, meera_id):
    c.by_id("kyc-reason").send_keys("Blurred photo")
    c.by_id("adjust-amount").send_keys("12.50")
    c.by_id("adjust-reason").send_keys("Not for Meera")
    c.by_id("loan-amount").send_keys("500")
    c.by_id("loan-purpose").send_keys("Not for Meera")
    key = c.by_id("adjust-key").get_attribute("value")
    c.driver.back()
    c.visible("users")
    c.wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, f'tr[data-user-id="{meera_id}"]'))).click()
    c.text("detail-name", "Meera Shah")
    for field in ["kyc-reason", "adjust-amount", "adjust-reason", "loan-amount", "loan-purpose"]:
        assert c.by_id(field).get_attribute("value") == "", f"{field} carried over"
    assert c.by_id("adjust-key").get_attribute("value") != key, "a new idempotency key"
    # Rejecting asks first, naming the user and quoting the reason; cancelling changes nothing.
    c.by_id("kyc-reason").send_keys("Photo is blurred")
    c.by_id("kyc-reject").click()
    c.visible("confirm")
    c.axe("confirmation dialog")
    c.confirm(["Meera Shah", "Photo is blurred"], accept=False)
    c.text("kyc-feedback", "Nothing was changed")
    assert c.by_id("kyc-review").is_displayed(), "still pending"


def act_on_ravi(c, ravi_id, ravi_token):
    c.driver.get(BASE + "/admin#/users/" + ravi_id)
    c.text("detail-name", "Ravi Kumar")
    c.by_id("kyc-verify").click()
    c.text("kyc-feedback", "KYC verified")
    same_column = c.driver.execute_script(
        "const col = (id) => document.getElementById(id).closest('.columns > div');"
        "return col('kyc-feedback') === col('kyc-verify');")
    assert same_column, "the outcome is shown beside the button"
    assert not c.by_id("kyc-review").is_displayed()

    c.by_id("adjust-amount").send_keys("5")
    c.by_id("adjust-reason").send_keys("Welcome bonus")
    c.by_id("adjust-submit").click()
    c.text("adjust-feedback", "Applied")
    c.text("wallet-balance", "₹5.00")
    c.by_id("adjust-submit").click()
    c.text("adjust-feedback", "Already applied")
    assert c.by_id("wallet-balance").text == "₹5.00"
    assert len(c.rows("transactions")) == 1

    c.by_id("adjust-new-key").click()
    c.by_id("adjust-amount").clear()
    c.by_id("adjust-amount").send_keys("-2.50")
    c.by_id("adjust-reason").clear()
    c.by_id("adjust-reason").send_keys("Correction")
    c.by_id("adjust-submit").click()
    c.confirm(["₹2.50", "Ravi Kumar"], accept=True)
    c.text("adjust-feedback", "Applied: balance ₹2.50")
    lend_to_ravi(c)

    c.by_id("toggle-role").click()
    c.confirm(["Ravi Kumar", "admin"], accept=False)
    c.text("access-feedback", "Nothing was changed")
    c.by_id("toggle-status").click()
    c.confirm(["Ravi Kumar", RAVI], accept=True)
    c.text("access-feedback", "Suspended")
    c.text("toggle-status", "Reactivate")
    call("GET", "/v1/auth/me", token=ravi_token, expect=401)


def lend_to_ravi(c):
    """Disburses a loan (with its confirmation), then records part of it repaid."""
    for field, value in [("loan-amount", "1000"), ("loan-payback", "1200"), ("loan-installment", "100"),
                         ("loan-purpose", "Seeds for the kharif season"), ("loan-type", "Crop")]:
        c.by_id(field).send_keys(value)
    c.by_id("loan-submit").click()
    c.confirm(["₹1,000.00", "Ravi Kumar", "₹1,200.00"], accept=True)
    c.text("loan-feedback", "Disbursed")
    c.wait_rows("loans", 1)
    assert "₹1,200.00" in c.rows("loans")[0].text and "Active" in c.rows("loans")[0].text
    c.rows("loans")[0].find_element(By.CSS_SELECTOR, "button[data-loan]").click()
    c.visible("repay-form")
    c.by_id("repay-amount").send_keys("200")
    c.by_id("repay-note").send_keys("Cash at the branch")
    c.by_id("repay-submit").click()
    c.confirm(["₹200.00", "Ravi Kumar"], accept=True)
    c.text("repay-feedback", "Recorded: ₹1,000.00 outstanding")
    c.wait.until(lambda d: "₹200.00" in c.rows("loans")[0].text)
    c.driver.execute_script("document.getElementById('loans').scrollIntoView()")
    c.axe("user detail with a loan")
    c.shot("loans-1440")


def audit_trail(c):
    c.by_id("history-link").click()
    c.visible("audit")
    c.wait_rows("audit-table", 6)
    actions = [r.get_attribute("data-action") for r in c.rows("audit-table")]
    expected = ["user.status", "loan.repay", "loan.disburse", "wallet.adjust", "wallet.adjust", "kyc.review"]
    assert actions == expected, actions
    first = c.rows("audit-table")[0].text
    assert "Asha Admin" in first and "Ravi Kumar" in first and "→" in first, first
    c.axe("audit trail")
    c.shot("audit-1440")
    Select(c.by_id("audit-action")).select_by_value("wallet.adjust")
    c.by_id("audit-filter").click()
    c.wait.until(lambda d: "action=wallet.adjust" in d.current_url)
    c.wait_rows("audit-table", 2)
    c.driver.refresh()
    c.wait_rows("audit-table", 2)
    assert "₹" in c.rows("audit-table")[0].text, "amounts in rupees"


def phones(c, ravi_id):
    c.driver.set_window_size(390, 900)
    for view, url, ready in [("users", "#/users", "users"), ("user detail", "#/users/" + ravi_id, "detail"),
                             ("audit trail", "#/audit", "audit")]:
        c.driver.get(BASE + "/admin" + url)
        c.visible(ready)
        c.wait.until(lambda d: c.rows({"users": "users-table", "detail": "transactions", "audit": "audit-table"}[ready]))
        c.no_sideways_scroll(view)
        c.axe(view + " at 390 px")
        c.shot(view.replace(" ", "-") + "-390")
    c.driver.set_window_size(1440, 1000)


def small_things(c):
    # The idle warning, before the session's 30 idle minutes end.
    c.driver.execute_script("sessionStorage.setItem('admin-activity', String(Date.now() - 26 * 60 * 1000))")
    c.visible("idle-warning")
    c.text("idle-text", "ends in")
    c.by_id("stay").click()
    c.wait.until(lambda d: not c.by_id("idle-warning").is_displayed())
    assert c.fetch_status("/admin/favicon.svg") == 200
    key = c.by_id("adjust-key")
    valid = c.driver.execute_script(
        "const k = arguments[0]; k.value = 'no spaces allowed'; const bad = k.checkValidity();"
        "k.value = 'key_ok-12345'; return [bad, k.checkValidity()];", key)
    assert valid == [False, True], f"the idempotency key pattern applies: {valid}"
    logs = " ".join(e["message"] for e in c.driver.get_log("browser"))
    assert "regular expression" not in logs, logs


def sign_out(c, ravi_id):
    c.by_id("signout").click()
    c.visible("signin")
    c.text("message", "Signed out")
    page = c.driver.page_source
    assert "Ravi Kumar" not in page and ravi_id not in page, "nothing of the last user stays"
    assert c.fetch_status("/v1/admin/users") == 401


def prefixes(c):
    """The SMS prefixes view: this window's prefixes (every account registered here shares
    +9198164), sorted by sends; a mode change asks first, is shown at once and audited."""
    c.by_id("nav-prefixes").click()
    c.visible("prefixes")
    c.wait.until(lambda d: len(c.rows("prefixes-table")) >= 1)
    first = c.rows("prefixes-table")[0].text
    assert "+9198164" in first and "AUTO" in first and "OPEN" in first, first
    c.axe("SMS prefixes")
    c.by_id("prefixes-sort").click()
    set_prefix_mode(c, "BLOCKED", "carrier reported pumping", "No code will be sent")
    c.text("prefix-feedback", "is BLOCKED (PAUSED)")
    assert "PAUSED" in c.rows("prefixes-table")[0].text
    c.shot("prefixes")
    set_prefix_mode(c, "AUTO", "resolved", "conversion rule")
    c.text("prefix-feedback", "is AUTO (OPEN)")


def set_prefix_mode(c, mode, reason, warning):
    """Changes the first listed prefix's mode from its row, confirming the dialog that warns."""
    c.rows("prefixes-table")[0].find_element(By.TAG_NAME, "button").click()
    Select(c.by_id("prefix-mode")).select_by_value(mode)
    c.by_id("prefix-reason").send_keys(reason)
    c.by_id("prefix-submit").click()
    c.confirm(["+9198164", warning], accept=True)


def passkeys(c):
    """A passkey made in the console signs the admin in alone. On http://localhost (WebAuthn
    refuses an IP address as relying party; the local server's rp id is localhost), with
    Chromium's virtual authenticator: CTAP2, internal, resident keys, user verification."""
    from selenium.webdriver.common.virtual_authenticator import (
        Protocol, Transport, VirtualAuthenticatorOptions)
    options = VirtualAuthenticatorOptions(
        protocol=Protocol.CTAP2, transport=Transport.INTERNAL, has_resident_key=True,
        has_user_verification=True, is_user_verified=True)
    c.driver.add_virtual_authenticator(options)
    local = BASE.replace("127.0.0.1", "localhost")
    sign_in(c, local)
    c.driver.get(local + "/admin#/passkeys")
    c.visible("passkeys")
    c.by_id("passkey-name").send_keys("Test laptop")
    c.by_id("passkey-create").click()
    c.text("passkey-feedback", "created")
    c.wait_rows("passkeys-table", 1)
    assert "Test laptop" in c.rows("passkeys-table")[0].text
    stored = c.driver.get_credentials()
    assert len(stored) == 1 and stored[0].is_resident_credential, stored
    c.axe("passkeys")
    c.shot("passkeys")
    c.by_id("signout").click()
    c.visible("signin")
    c.by_id("passkey-signin").click()
    c.visible("users")
    c.text("whoami", "Asha Admin")
    c.driver.get(local + "/admin#/users?phone=" + ADMIN.replace("+", "%2B"))
    c.wait_rows("users-table", 1)
    c.rows("users-table")[0].find_element(By.TAG_NAME, "a").click()
    c.text("detail-passkeys-count", "1 of 10")
    c.text("detail-passkeys", "Test laptop, created")
    c.driver.get(local + "/admin#/passkeys")
    c.wait_rows("passkeys-table", 1)
    assert "Test laptop" in c.rows("passkeys-table")[0].text
    c.rows("passkeys-table")[0].find_element(By.TAG_NAME, "button").click()
    c.confirm(["Test laptop", "audit trail"], accept=True)
    c.text("passkey-feedback", "removed")
    c.visible("passkeys-empty")
    c.driver.get(local + "/admin#/audit")
    c.wait.until(lambda d: "Passkey removed" in c.by_id("audit-table").text)
    c.by_id("signout").click()
    c.visible("signin")
    c.by_id("passkey-signin").click()
    c.text("message", "could not be verified")
    assert c.fetch_status("/v1/admin/users") == 401


def main():
    register(ADMIN, "Asha Admin", PASSWORD)
    ravi = register(RAVI, "Ravi Kumar")
    meera = register(MEERA, "Meera Shah")
    submit_kyc(ravi["tokens"]["access_token"])
    submit_kyc(meera["tokens"]["access_token"])
    for i in range(20):
        register(f"+9198164566{i:02d}", f"Customer {i}")
    ravi_id, meera_id = ravi["user"]["user_id"], meera["user"]["user_id"]

    c = Console()
    try:
        sign_in(c)
        lists_search_queue_and_pages(c, ravi_id, meera_id)
        keyboard_url_and_reload(c, ravi_id)
        forms_start_empty(c, meera_id)
        act_on_ravi(c, ravi_id, ravi["tokens"]["access_token"])
        audit_trail(c)
        prefixes(c)
        phones(c, ravi_id)
        small_things(c)
        sign_out(c, ravi_id)
        passkeys(c)
        print("console test passed; screenshots in", SHOTS)
    except Exception:
        c.shot("failure")
        print(c.by_id("message").text, file=sys.stderr)
        raise
    finally:
        c.driver.quit()


if __name__ == "__main__":
    main()
