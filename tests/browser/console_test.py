"""The admin console in a real browser (headless Chromium from Debian, driven by Selenium),
against the local server: sign in as an admin (code + password), find a user, review its KYC,
adjust its wallet twice with one idempotency key (the balance moves once), suspend it, see the
audit entries, sign out. Screenshots of the users list and of a user detail go to target/.

Usage: console_test.py <base_url> <screenshot_dir>   (tests/browser/run.sh starts the server)
"""

import json
import struct
import sys
import urllib.error
import urllib.request
import zlib

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

BASE, SHOTS = sys.argv[1], sys.argv[2]
ADMIN, USER = "+919816456580", "+919816456581"
PASSWORD = "Console-Pass-2026"


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


def main():
    register(ADMIN, "Asha Admin", PASSWORD)
    user = register(USER, "Ravi Kumar")
    token, user_id = user["tokens"]["access_token"], user["user"]["user_id"]
    submit_kyc(token)
    for i in range(3):
        register(f"+91981645659{i}", f"Customer {i}")

    options = Options()
    for arg in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000"]:
        options.add_argument(arg)
    options.binary_location = "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    wait = WebDriverWait(driver, 15)
    by_id = lambda i: driver.find_element(By.ID, i)
    message = lambda text: wait.until(EC.text_to_be_present_in_element((By.ID, "message"), text))
    try:
        driver.get(BASE + "/admin")
        wait.until(EC.visibility_of_element_located((By.ID, "signin")))
        by_id("phone").send_keys(ADMIN)
        by_id("send-code").click()
        wait.until(EC.visibility_of_element_located((By.ID, "signin-form")))
        by_id("code").send_keys(last_code(ADMIN))
        by_id("password").send_keys(PASSWORD)
        by_id("sign-in").click()

        row = wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, f'tr[data-user-id="{user_id}"]')))
        assert "******" in row.text and USER not in driver.page_source, "the list shows masked phones"
        Select(by_id("status-filter")).select_by_value("ACTIVE")
        row = wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, f'tr[data-user-id="{user_id}"]')))
        driver.save_screenshot(f"{SHOTS}/console-users.png")
        row.click()

        wait.until(EC.visibility_of_element_located((By.ID, "detail")))
        wait.until(EC.visibility_of_element_located((By.ID, "kyc-review")))
        img = by_id("kyc-images").find_element(By.TAG_NAME, "img")
        wait.until(lambda d: d.execute_script("return arguments[0].complete && arguments[0].naturalWidth", img) == 96)
        by_id("kyc-verify").click()
        message("KYC verified")
        assert not by_id("kyc-review").is_displayed()

        by_id("adjust-amount").send_keys("500")
        by_id("adjust-reason").send_keys("Welcome bonus")
        key = by_id("adjust-key").get_attribute("value")
        assert len(key) >= 8
        by_id("adjust-submit").click()
        message("Applied")
        wait.until(EC.text_to_be_present_in_element((By.ID, "wallet-balance"), "500"))
        # The same request again (a double click, a retry): applied once.
        by_id("adjust-amount").clear()
        by_id("adjust-amount").send_keys("500")
        by_id("adjust-reason").clear()
        by_id("adjust-reason").send_keys("Welcome bonus")
        assert by_id("adjust-key").get_attribute("value") == key
        driver.execute_script("document.getElementById('message').textContent = ''")
        by_id("adjust-submit").click()
        message("Applied")
        assert by_id("wallet-balance").text == "500", by_id("wallet-balance").text
        assert len(by_id("transactions").find_elements(By.CSS_SELECTOR, "tbody tr")) == 1
        driver.save_screenshot(f"{SHOTS}/console-user.png")

        by_id("toggle-status").click()
        message("Suspended")
        wait.until(EC.text_to_be_present_in_element((By.ID, "toggle-status"), "Reactivate"))
        call("GET", "/v1/auth/me", token=token, expect=401)

        by_id("nav-audit").click()
        wait.until(EC.visibility_of_element_located((By.ID, "audit")))
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#audit-table tbody tr"))
        actions = [r.get_attribute("data-action") for r in driver.find_elements(By.CSS_SELECTOR, "#audit-table tbody tr")]
        assert actions == ["user.status", "wallet.adjust", "kyc.review"], actions

        by_id("signout").click()
        message("Signed out")
        wait.until(EC.visibility_of_element_located((By.ID, "signin")))
        status = driver.execute_async_script(
            "const done = arguments[0]; fetch('/v1/admin/users', {credentials: 'same-origin'}).then(r => done(r.status));")
        assert status == 401, status
        print("console test passed; screenshots in", SHOTS)
    except Exception:
        driver.save_screenshot(f"{SHOTS}/console-failure.png")
        print(driver.find_element(By.ID, "message").text, file=sys.stderr)
        raise
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
