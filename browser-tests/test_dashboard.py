"""The dashboard in a real browser (headless Chromium through selenium), against a real server.

Run by scripts/browser-tests.sh, which starts the server and sets SLUICE_BASE_URL, SLUICE_AXE
(axe-core's script) and SLUICE_SCREENSHOTS (where each page's screenshot goes).
"""

import json
import os
import uuid

import httpx
import pytest
from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait

BASE = os.environ.get("SLUICE_BASE_URL", "http://127.0.0.1:18441")
AXE = open(os.environ["SLUICE_AXE"], encoding="utf-8").read() if os.environ.get("SLUICE_AXE") else None
SHOTS = os.environ.get("SLUICE_SCREENSHOTS", ".local/screenshots")
PASSWORD = "correct horse battery staple"


def api(method, path, token=None, **kwargs):
    headers = {"authorization": f"Bearer {token}"} if token else {}
    response = httpx.request(method, BASE + path, headers=headers, timeout=30, **kwargs)
    assert response.status_code < 400, f"{method} {path}: {response.status_code} {response.text}"
    return response.json() if response.content else None


def signup(name):
    email = f"{name}-{uuid.uuid4().hex[:8]}@example.test"
    body = api("POST", "/v1/auth/signup", json={"email": email, "password": PASSWORD, "tenantName": f"{name}'s tenant"})
    return {"email": email, "token": body["tokens"]["accessToken"], "tenant": body["tenant"]["id"]}


@pytest.fixture(scope="module")
def owner():
    return signup("olive")


@pytest.fixture(scope="module")
def viewer(owner):
    person = signup("victor")
    invitation = api("POST", "/v1/members", owner["token"], json={"email": person["email"], "role": "viewer"})
    api("POST", "/v1/invitations/accept", person["token"], json={"token": invitation["token"]})
    return person


def make_driver():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.implicitly_wait(0)
    return driver


@pytest.fixture(scope="module")
def browser():
    driver = make_driver()
    yield driver
    driver.quit()


def wait(driver, condition, seconds=10):
    return WebDriverWait(driver, seconds).until(condition)


def check(driver, name, expected_errors=()):
    """Every page: a screenshot, no console error (but the status the test caused on purpose),
    no serious or critical axe violation."""
    wait(driver, lambda d: d.execute_script("return document.readyState") == "complete")
    driver.save_screenshot(os.path.join(SHOTS, f"{name}.png"))
    errors = [
        entry for entry in driver.get_log("browser")
        if entry["level"] == "SEVERE" and not any(f"status of {status}" in entry["message"] for status in expected_errors)
    ]
    assert not errors, f"{name}: console errors {errors}"
    if AXE:
        driver.execute_script(AXE)
        result = driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {resultTypes: ['violations']}).then(r => done(JSON.stringify(r.violations)), e => done(String(e)));"
        )
        violations = [v for v in json.loads(result) if v.get("impact") in ("serious", "critical")]
        assert not violations, f"{name}: accessibility {[(v['id'], v['help'], [n['target'] for n in v['nodes']]) for v in violations]}"


def sign_in(driver, person, password=PASSWORD):
    driver.get(BASE + "/dashboard")
    wait(driver, expected_conditions.presence_of_element_located((By.ID, "email")))
    driver.find_element(By.ID, "email").send_keys(person["email"])
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()


def test_sign_in(browser, owner):
    browser.get(BASE + "/dashboard")
    assert "/dashboard/sign-in" in browser.current_url
    check(browser, "sign-in")
    sign_in(browser, owner, password="not the password, surely")
    wait(browser, expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "[role=alert]")))
    assert "wrong" in browser.find_element(By.CSS_SELECTOR, "[role=alert]").text
    check(browser, "sign-in-refused", expected_errors=["401"])
    sign_in(browser, owner)
    wait(browser, expected_conditions.text_to_be_present_in_element((By.TAG_NAME, "h1"), "Overview"))
    assert owner["email"] in browser.find_element(By.CLASS_NAME, "me").text
    cookies = {cookie["name"]: cookie for cookie in browser.get_cookies()}
    session = cookies["sluice_session"]
    assert session["httpOnly"] and session["secure"] and session["sameSite"] == "Strict"
    assert browser.execute_script("return document.cookie") == "", "scripts see no cookie"
    check(browser, "overview")


def test_create_stream_and_see_its_events(browser, owner):
    browser.get(BASE + "/dashboard/streams")
    check(browser, "streams-empty")
    browser.find_element(By.LINK_TEXT, "New stream").click()
    wait(browser, expected_conditions.presence_of_element_located((By.ID, "name")))
    check(browser, "stream-new")
    browser.find_element(By.ID, "name").send_keys("clicks")
    browser.find_element(By.ID, "description").send_keys("Clicks on the site")
    partitions = browser.find_element(By.ID, "partitions")
    partitions.clear()
    partitions.send_keys("2")
    Select(browser.find_element(By.ID, "schemaMode")).select_by_visible_text("warn")
    browser.find_element(By.ID, "dimensions").send_keys("country=/geo/country")
    browser.find_element(By.CSS_SELECTOR, "form.card button[type=submit]").click()
    wait(browser, expected_conditions.text_to_be_present_in_element((By.TAG_NAME, "h1"), "clicks"))
    assert "The stream was created." in browser.page_source

    key = api("POST", "/v1/api-keys", owner["token"], json={"name": "producer", "scopes": ["events:write"]})["secret"]
    for number in range(5):
        api("POST", "/v1/streams/clicks/events", key, json={"type": "page.clicked", "key": f"user-{number}", "data": {"n": number}})
    browser.refresh()
    facts = browser.find_element(By.CLASS_NAME, "facts").text
    assert "Stored events\n5" in facts, facts
    check(browser, "stream")

    browser.find_element(By.LINK_TEXT, "Edit").click()
    wait(browser, expected_conditions.presence_of_element_located((By.ID, "retentionHours")))
    check(browser, "stream-edit")
    retention = browser.find_element(By.ID, "retentionHours")
    retention.clear()
    retention.send_keys("48")
    browser.find_element(By.CSS_SELECTOR, "form.card button[type=submit]").click()
    wait(browser, expected_conditions.text_to_be_present_in_element((By.CLASS_NAME, "flash"), "saved"))
    assert api("GET", "/v1/streams/clicks", owner["token"])["retentionSeconds"] == 48 * 3600

    browser.find_element(By.LINK_TEXT, "Delete").click()
    wait(browser, expected_conditions.presence_of_element_located((By.ID, "confirm-name")))
    check(browser, "stream-delete")
    browser.find_element(By.LINK_TEXT, "Cancel").click()
    wait(browser, expected_conditions.text_to_be_present_in_element((By.TAG_NAME, "h1"), "clicks"))


def test_api_key_secret_shown_once_then_revoked(browser, owner):
    browser.get(BASE + "/dashboard/api-keys")
    check(browser, "api-keys")
    browser.find_element(By.ID, "key-name").send_keys("dashboard key")
    browser.find_element(By.CSS_SELECTOR, "input[name=scopes][value='events:read']").click()
    browser.find_element(By.XPATH, "//button[normalize-space()='Create the key']").click()
    secret_input = wait(browser, expected_conditions.presence_of_element_located((By.ID, "new-secret")))
    secret = secret_input.get_attribute("value")
    assert secret.startswith("sk_live_")
    check(browser, "api-key-created")
    assert api("GET", "/v1/me", secret)["principal"]["type"] == "apiKey"

    browser.get(BASE + "/dashboard/api-keys")
    assert secret not in browser.page_source, "the secret is shown once"
    row = browser.find_element(By.XPATH, "//tr[td[normalize-space()='dashboard key']]")
    row.find_element(By.XPATH, ".//button[normalize-space()='Revoke']").click()
    alert = wait(browser, expected_conditions.alert_is_present())
    alert.accept()
    wait(browser, expected_conditions.text_to_be_present_in_element((By.CLASS_NAME, "flash"), "revoked"))
    assert httpx.get(BASE + "/v1/me", headers={"authorization": f"Bearer {secret}"}).status_code == 401


def test_viewer_sees_no_admin_actions(owner, viewer):
    driver = make_driver()
    try:
        sign_in(driver, viewer)
        wait(driver, expected_conditions.text_to_be_present_in_element((By.TAG_NAME, "h1"), "Overview"))
        # Their own tenant first; the switch submits itself when the tenant is chosen.
        Select(driver.find_element(By.ID, "tenant-switch")).select_by_value(owner["tenant"])
        wait(driver, lambda d: "(viewer)" in Select(d.find_element(By.ID, "tenant-switch")).first_selected_option.text)
        check(driver, "viewer-overview")
        nav = driver.find_element(By.CSS_SELECTOR, "nav[aria-label=Sections]").text
        assert "API keys" not in nav
        driver.get(BASE + "/dashboard/streams")
        assert "clicks" in driver.page_source
        with pytest.raises(NoSuchElementException):
            driver.find_element(By.LINK_TEXT, "New stream")
        driver.get(BASE + "/dashboard/streams/clicks")
        check(driver, "viewer-stream")
        for label in ("Edit", "Delete"):
            with pytest.raises(NoSuchElementException):
                driver.find_element(By.LINK_TEXT, label)
        # Forced: the page's own token, a same-origin POST the viewer's role does not allow.
        status = driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "const token = document.querySelector('input[name=_csrf]').value;"
            "fetch('/dashboard/streams/clicks/delete', {method: 'POST', headers: {'content-type': 'application/x-www-form-urlencoded'},"
            " body: '_csrf=' + encodeURIComponent(token) + '&confirm=clicks'}).then(r => done(r.status));"
        )
        assert status == 403
        assert api("GET", "/v1/streams/clicks", owner["token"])["name"] == "clicks"
    finally:
        driver.quit()


def test_sign_out(browser):
    browser.get(BASE + "/dashboard")
    browser.find_element(By.XPATH, "//button[normalize-space()='Sign out']").click()
    wait(browser, lambda d: "/dashboard/sign-in" in d.current_url)
    browser.get(BASE + "/dashboard/streams")
    assert "/dashboard/sign-in" in browser.current_url
