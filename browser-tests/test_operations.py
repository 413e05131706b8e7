"""Operating a stream from the dashboard in a real browser: the live tail, search and an
event's deliveries, a failing receiver's dead letters replayed from the page, an offset reset
planned then applied, and every other page looked at (screenshot, console, axe).

Run by scripts/browser-tests.sh after test_dashboard.py, against the same server (its webhook
workers on, private targets allowed: the receiver below listens on this machine).
"""

import http.server
import json
import threading
import time
import uuid

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select

from test_dashboard import BASE, api, check, make_driver, sign_in, signup, wait


class Receiver:
    """A webhook endpoint on 127.0.0.1: answers 503 while failing, else 204; keeps the ids it
    accepted."""

    def __init__(self):
        self.failing = False
        self.accepted = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                if receiver.failing:
                    self.send_response(503)
                else:
                    receiver.accepted.append(json.loads(body)["id"])
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"


@pytest.fixture(scope="module")
def receiver():
    endpoint = Receiver()
    yield endpoint
    endpoint.server.shutdown()


@pytest.fixture(scope="module")
def setup():
    """An owner with a stream, a producer key, and a browser signed in."""
    owner = signup("opal")
    # A day of allowed lateness: the analytics page gets six hours of events sent at once.
    api("POST", "/v1/streams", owner["token"], json={"name": "ops", "partitions": 2, "allowedLatenessSeconds": 86400})
    key = api("POST", "/v1/api-keys", owner["token"], json={"name": "producer", "scopes": ["events:write"]})["secret"]
    driver = make_driver()
    sign_in(driver, owner)
    wait(driver, expected_conditions.text_to_be_present_in_element((By.TAG_NAME, "h1"), "Overview"))
    yield owner, key, driver
    driver.quit()


def send(key, events):
    return api("POST", "/v1/streams/ops/events/batch", key, json={"events": events})["results"]


def test_live_tail_shows_events_within_two_seconds(setup):
    owner, key, driver = setup
    driver.get(BASE + "/dashboard/streams/ops/tail")
    wait(driver, expected_conditions.text_to_be_present_in_element((By.CSS_SELECTOR, "[data-tail-status]"), "Live"))
    marker = uuid.uuid4().hex[:8]
    send(key, [{"type": "tail.seen", "key": f"{marker}-{n}", "data": {"n": n}} for n in range(3)])
    sent = time.monotonic()
    wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, ".tail-event")) >= 3, seconds=2)
    assert time.monotonic() - sent <= 2
    assert marker in driver.find_element(By.CSS_SELECTOR, "[data-tail-list]").text
    check(driver, "tail")

    # Paused: events are counted, not shown; resumed, they show again.
    driver.find_element(By.CSS_SELECTOR, "[data-tail-toggle]").click()
    send(key, [{"type": "tail.seen", "key": "while-paused", "data": {}}])
    wait(driver, expected_conditions.text_to_be_present_in_element((By.CSS_SELECTOR, "[data-tail-status]"), "Paused: 1"))
    assert "while-paused" not in driver.find_element(By.CSS_SELECTOR, "[data-tail-list]").text
    driver.find_element(By.CSS_SELECTOR, "[data-tail-toggle]").click()

    # A burst far above the page's rate: sampled, and the page says so; it stays responsive.
    send(key, [{"type": "tail.burst", "key": f"b{n}", "data": {"n": n}} for n in range(500)])
    wait(driver, expected_conditions.text_to_be_present_in_element((By.CSS_SELECTOR, "[data-tail-status]"), "Sampling"), seconds=5)
    shown = len(driver.find_elements(By.CSS_SELECTOR, ".tail-event"))
    assert shown <= 100, "the page keeps the latest 100"
    assert driver.execute_script("return 1 + 1") == 2

    # Filtered by type.
    driver.get(BASE + "/dashboard/streams/ops/tail?type=tail.only")
    wait(driver, expected_conditions.text_to_be_present_in_element((By.CSS_SELECTOR, "[data-tail-status]"), "Live"))
    send(key, [{"type": "tail.other", "key": "x", "data": {}}, {"type": "tail.only", "key": "y", "data": {}}])
    wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, ".tail-event")) == 1, seconds=2)
    assert "tail.only" in driver.find_element(By.CSS_SELECTOR, "[data-tail-list]").text
    time.sleep(0.6)
    assert "tail.other" not in driver.find_element(By.CSS_SELECTOR, "[data-tail-list]").text


def test_partitions_show_their_rate(setup):
    owner, key, driver = setup
    driver.get(BASE + "/dashboard/streams/ops")
    stop = time.monotonic() + 12
    while time.monotonic() < stop:
        send(key, [{"type": "rate.me", "key": f"r{n}", "data": {}} for n in range(20)])
        rates = [cell.text for cell in driver.find_elements(By.CSS_SELECTOR, "#partitions [data-rate]")]
        if rates and all(text not in ("…", "–") for text in rates):
            break
        time.sleep(1)
    assert rates and all(float(text.replace(",", "")) >= 0 for text in rates), rates
    assert any(float(text.replace(",", "")) > 0 for text in rates), rates
    check(driver, "stream-partitions")


def test_search_finds_an_event_and_its_page_shows_its_delivery(setup, receiver):
    owner, key, driver = setup
    api("POST", "/v1/streams/ops/subscriptions", owner["token"], json={"name": "sink", "url": receiver.url, "start": "latest"})
    wanted = f"needle-{uuid.uuid4().hex[:6]}"
    result = send(key, [{"type": "search.me", "key": wanted, "data": {"hello": "world"}}])[0]
    driver.get(BASE + "/dashboard/streams/ops/events")
    driver.find_element(By.ID, "search-key").send_keys(wanted)
    driver.find_element(By.XPATH, "//button[normalize-space()='Search']").click()
    link = wait(driver, expected_conditions.presence_of_element_located((By.LINK_TEXT, str(result["offset"]))))
    check(driver, "events-search")
    link.click()
    wait(driver, expected_conditions.text_to_be_present_in_element((By.TAG_NAME, "h1"), result["id"]))
    assert '"hello": "world"' in driver.find_element(By.CSS_SELECTOR, "pre.json").text
    deadline = time.monotonic() + 20
    while "sink delivered" not in driver.find_element(By.TAG_NAME, "main").text:
        assert time.monotonic() < deadline, "the delivery shows on the event's page"
        time.sleep(0.5)
        driver.refresh()
    assert result["id"] in receiver.accepted
    check(driver, "event")


def test_failing_receiver_fills_the_queue_and_a_replay_from_the_page_reaches_it(setup, receiver):
    owner, key, driver = setup
    receiver.failing = True
    api("POST", "/v1/streams/ops/subscriptions", owner["token"], json={"name": "flaky", "url": receiver.url, "maxAttempts": 1, "start": "latest"})
    ids = [r["id"] for r in send(key, [{"type": "flaky.one", "key": f"f{n}", "data": {"n": n}} for n in range(3)])]
    deadline = time.monotonic() + 30
    while api("GET", "/v1/streams/ops/subscriptions/flaky", owner["token"])["deadLetters"] < 3:
        assert time.monotonic() < deadline, "three dead letters"
        time.sleep(0.5)
    driver.get(BASE + "/dashboard/streams/ops/subscriptions/flaky")
    causes = driver.find_element(By.XPATH, "//h2[normalize-space()='Dead letters by cause']/following-sibling::table[1]").text
    assert "503" in causes and "3" in causes, causes
    check(driver, "subscription")
    driver.find_element(By.LINK_TEXT, "Replay…").click()
    wait(driver, expected_conditions.text_to_be_present_in_element((By.TAG_NAME, "h1"), "Replay 3 dead letters?"))
    check(driver, "dead-letters-confirm")
    receiver.failing = False
    driver.find_element(By.XPATH, "//button[normalize-space()='Replay 3']").click()
    wait(driver, expected_conditions.text_to_be_present_in_element((By.CLASS_NAME, "flash"), "3 dead letters were replayed"))
    deadline = time.monotonic() + 20
    while not set(ids) <= set(receiver.accepted):
        assert time.monotonic() < deadline, "the replay reaches the receiver once it answers 2xx"
        time.sleep(0.3)
    driver.get(BASE + "/dashboard/streams/ops/subscriptions")
    check(driver, "subscriptions")


def test_offset_reset_shows_its_plan_then_applies(setup):
    owner, key, driver = setup
    api("POST", "/v1/streams/ops/consumer-groups", owner["token"], json={"name": "readers", "start": "earliest"})
    lag = api("GET", "/v1/streams/ops/consumer-groups/readers", owner["token"])["lag"]
    assert lag > 0
    driver.get(BASE + "/dashboard/streams/ops/consumer-groups/readers")
    Select(driver.find_element(By.ID, "reset-to")).select_by_value("latest")
    driver.find_element(By.XPATH, "//button[normalize-space()='Show the plan']").click()
    wait(driver, expected_conditions.text_to_be_present_in_element((By.ID, "plan-heading"), "The plan"))
    plan = driver.find_element(By.XPATH, "//section[h2[@id='plan-heading']]//table").text
    assert "+" in plan, plan
    assert api("GET", "/v1/streams/ops/consumer-groups/readers", owner["token"])["lag"] == lag, "the plan moves nothing"
    check(driver, "group-plan")
    driver.find_element(By.XPATH, "//button[normalize-space()='Apply the plan']").click()
    wait(driver, expected_conditions.text_to_be_present_in_element((By.CLASS_NAME, "flash"), "The offsets were moved."))
    assert api("GET", "/v1/streams/ops/consumer-groups/readers", owner["token"])["lag"] == 0
    check(driver, "group")


def test_every_other_page(setup):
    owner, key, driver = setup
    api("POST", "/v1/streams/ops/schemas/shape/versions", owner["token"], json={"schema": {"type": "object", "additionalProperties": False}})
    api(
        "POST", "/v1/streams/ops/schemas/shape/versions", owner["token"],
        json={"schema": {"type": "object", "properties": {"n": {"type": "integer"}}, "additionalProperties": False}},
    )
    api(
        "POST", "/v1/streams/ops/sources", owner["token"],
        json={"name": "tube", "entities": ["chan-1"], "url": "https://api.example.test/{entity}",
              "mapping": {"platform": "youtube", "metrics": {"subscribers": "/subscribers"}}},
    )
    # Six hours of social events, for the analytics page to have something to draw.
    now = time.time()
    events = []
    for n in range(300):
        platform = ("twitter", "youtube", "instagram")[n % 3]
        at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now - 6 * 3600 + n * 70))
        events.append({
            "type": "social.post.metrics", "key": f"{platform}:a{n % 7}", "occurredAt": at,
            "data": {"platform": platform, "kind": "post", "action": "snapshot", "account": {"id": f"a{n % 7}", "handle": f"@account{n % 7}"},
                     "content": {"id": f"p{n % 20}"}, "metrics": {"likes": n * (n % 5 + 1), "views": n * 40, "comments": n % 9, "shares": n % 4}},
        })
    send(key, events)
    deadline = time.monotonic() + 30
    while sum(api("GET", "/v1/streams/ops/analytics", owner["token"])["lag"]) > 0:
        assert time.monotonic() < deadline, "the rollups catch up"
        time.sleep(0.5)
    pages = [
        ("stream-tabs", "/dashboard/streams/ops"), ("schemas", "/dashboard/streams/ops/schemas"),
        ("schema-diff", "/dashboard/streams/ops/schemas/shape?left=1&right=2"), ("groups", "/dashboard/streams/ops/consumer-groups"),
        ("sources", "/dashboard/streams/ops/sources"), ("source", "/dashboard/streams/ops/sources/tube"),
        ("analytics", "/dashboard/streams/ops/analytics?range=6h&resolution=5m&metric=metrics.likes&by=platform&entity=content&rank=engagement"),
        ("entity", "/dashboard/streams/ops/analytics/entities/account/a3"), ("members", "/dashboard/members"), ("audit", "/dashboard/audit?verify=1"),
        ("usage", "/dashboard/usage"),
    ]
    for name, path in pages:
        driver.get(BASE + path)
        assert driver.find_element(By.TAG_NAME, "h1").text, path
        check(driver, name)
    driver.get(BASE + "/dashboard/streams/ops/analytics?range=6h&resolution=5m&metric=metrics.likes")
    assert driver.find_elements(By.CSS_SELECTOR, "svg.chart polyline"), "the series is drawn"
    board = driver.find_element(By.XPATH, "//section[h2[@id='board-heading']]").text
    assert "@account" in board, f"the leaderboard lists the accounts: {board}"
    wait(driver, expected_conditions.text_to_be_present_in_element((By.CSS_SELECTOR, "[data-live-status]"), "Live:"), seconds=5)
    driver.get(BASE + "/dashboard/streams/ops/schemas/shape?left=1&right=2")
    assert driver.find_elements(By.CSS_SELECTOR, ".diff tr.added, .diff tr.changed"), "the diff marks what changed"
    candidate = driver.find_element(By.ID, "candidate")
    candidate.clear()
    candidate.send_keys('{"type": "object", "properties": {"n": {"type": "string"}}, "additionalProperties": false}')
    driver.find_element(By.XPATH, "//button[normalize-space()='Test compatibility']").click()
    wait(driver, expected_conditions.text_to_be_present_in_element((By.CSS_SELECTOR, "[role=alert]"), "Not BACKWARD compatible"))
    assert "/properties/n" in driver.find_element(By.CSS_SELECTOR, "[role=alert]").text
    check(driver, "schema-refused")
    driver.get(BASE + "/dashboard/audit?verify=1")
    assert "The chain is intact" in driver.page_source
