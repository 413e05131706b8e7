"""The journey's fixtures: the server under test (scripts/contract-tests.sh starts it and
sets SLUICE_BASE_URL) and an independent webhook receiver that verifies Standard Webhooks
signatures (Tests/SluiceServerTests/Fixtures/webhooks/receiver.py, the Swift suites' own)."""
import json
import os
import pathlib
import subprocess
import sys
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def base_url():
    url = os.environ.get("SLUICE_BASE_URL")
    if not url:
        pytest.skip("SLUICE_BASE_URL is not set: run scripts/contract-tests.sh journey")
    return url


@pytest.fixture(scope="session")
def access_token_ttl():
    return int(os.environ.get("SLUICE_ACCESS_TOKEN_TTL_SECONDS", "900"))


class Receiver:
    """The receiver's own control API (not Sluice's)."""

    def __init__(self):
        script = ROOT / "Tests/SluiceServerTests/Fixtures/webhooks/receiver.py"
        self.process = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
        self.port = int(self.process.stdout.readline().strip())
        self.url = f"http://127.0.0.1:{self.port}/hook"

    def control(self, **settings):
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/_control", data=json.dumps(settings).encode(), method="POST",
            headers={"content-type": "application/json"},
        )
        urllib.request.urlopen(request, timeout=5).read()

    def received(self):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/_received", timeout=5) as response:
            return json.load(response)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=5)


@pytest.fixture(scope="session")
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.stop()
