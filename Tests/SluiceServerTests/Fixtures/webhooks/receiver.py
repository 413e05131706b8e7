#!/usr/bin/env python3
"""A webhook receiver for Sluice's tests, written apart from Sluice: it verifies each request
per the Standard Webhooks specification (https://www.standardwebhooks.com) and records it.

Prints its port on the first line of stdout. Control over HTTP:
  POST /_control  {"secrets": ["whsec_…"], "fail": {"<webhook-id>|*": n}, "hang": {"<webhook-id>": seconds},
                   "status": 500, "delay": seconds}
      fail: answer 500 to the first n attempts of that message (-1: always); hang: hold the
      first attempt that long; status: answer every request so; delay: hold each request.
  GET  /_received  every request so far: [{id, timestamp, verified, status, start, end, body}]
A request whose signature does not verify is answered 401.
"""
import base64
import hashlib
import hmac
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOLERANCE_SECONDS = 5 * 60
lock = threading.Lock()
state = {"secrets": [], "fail": {}, "hang": {}, "status": None, "delay": 0}
attempts = {}
received = []


def verify(secrets, msg_id, timestamp, body, header):
    """The Standard Webhooks rules: signed content is `id.timestamp.body`, the key is the
    base64-decoded secret after `whsec_`, the header lists space-separated `v1,<base64>`."""
    try:
        sent = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs(time.time() - sent) > TOLERANCE_SECONDS:
        return False
    content = f"{msg_id}.{timestamp}.".encode() + body
    for secret in secrets:
        key = base64.b64decode(secret[len("whsec_"):] if secret.startswith("whsec_") else secret)
        expected = base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()
        for signature in (header or "").split(" "):
            version, _, value = signature.partition(",")
            if version == "v1" and hmac.compare_digest(value, expected):
                return True
    return False


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, payload):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        with lock:
            snapshot = list(received)
        self.reply(200, snapshot)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        if self.path == "/_control":
            with lock:
                state.update(json.loads(body))
            self.reply(200, {"ok": True})
            return
        start = time.time()
        msg_id = self.headers.get("webhook-id")
        with lock:
            secrets = list(state["secrets"])
            attempts[msg_id] = attempts.get(msg_id, 0) + 1
            attempt = attempts[msg_id]
            fail = state["fail"].get(msg_id, state["fail"].get("*", 0))
            hang = state["hang"].get(msg_id, 0) if attempt == 1 else 0
            forced = state["status"]
            delay = state["delay"]
            entry = {"id": msg_id, "timestamp": self.headers.get("webhook-timestamp"), "attempt": attempt, "start": start}
            received.append(entry)
        verified = verify(secrets, msg_id, self.headers.get("webhook-timestamp"), body, self.headers.get("webhook-signature"))
        if hang:
            time.sleep(hang)
        if delay:
            time.sleep(delay)
        if not verified:
            status = 401
        elif forced:
            status = forced
        elif fail == -1 or attempt <= fail:
            status = 500
        else:
            status = 200
        with lock:
            entry.update({"verified": verified, "status": status, "end": time.time(), "body": json.loads(body or b"null")})
        self.reply(status, {"error": "nope"} if status >= 300 else {"ok": True})


class Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # a sender that gave up (timeout, killed worker) is part of the tests


def exit_with_parent():
    """Ends when the test process that started it ends, however it ends."""
    parent = os.getppid()
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


threading.Thread(target=exit_with_parent, daemon=True).start()
server = Server(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(server.server_address[1], flush=True)
server.serve_forever()
