#!/usr/bin/env python3
"""A fake social platform API for Sluice's pull-source tests: profiles with follower counts
that grow on every read, behind a bearer token, with bad moods on request.

Prints its port on the first line of stdout.
  GET  /v1/users/<id>   {"id", "username", "followers_count", "follows_count", "stats": {"posts": "12"}}
       401 without "Authorization: Bearer <token>"; 404 for an id starting with "missing".
  POST /_control  {"token": "…", "fail": {"<id>|*": n}, "slow": {"<id>|*": seconds},
                   "limit": {"count": n, "retryAfter": "2"}, "delay": seconds, "broken": ["<id>"]}
       fail: answer 500 to the next n requests for the id (-1: always); slow: hold each request
       for the id that long; limit: answer the next n requests (of any id) 429 with that
       Retry-After (null: none); delay: hold every request; broken: answer not-JSON for the id.
  GET  /_requests   every request so far: [{id, start, end, status, auth}]
"""
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.Lock()
state = {"token": "secret-token", "fail": {}, "slow": {}, "limit": {"count": 0, "retryAfter": None}, "delay": 0, "broken": []}
followers = {}
requests = []


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, payload=None, raw=None, headers=None):
        data = raw if raw is not None else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        length = int(self.headers.get("content-length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        with lock:
            for key, value in body.items():
                if key in ("fail", "slow"):
                    state[key].update(value)
                else:
                    state[key] = value
        self.reply(200, {"ok": True})

    def do_GET(self):
        if self.path == "/_requests":
            with lock:
                self.reply(200, list(requests))
            return
        if not self.path.startswith("/v1/users/"):
            self.reply(404, {"error": "no such route"})
            return
        user = self.path[len("/v1/users/"):]
        entry = {"id": user, "start": time.time(), "auth": self.headers.get("authorization")}
        with lock:
            requests.append(entry)
            slow = state["slow"].get(user, state["slow"].get("*", 0)) + state["delay"]
        if slow:
            time.sleep(slow)
        with lock:
            fail_key = user if user in state["fail"] else ("*" if "*" in state["fail"] else None)
            status, payload, raw, headers = 200, None, None, {}
            if entry["auth"] != f"Bearer {state['token']}":
                status, payload = 401, {"error": "unauthorized"}
            elif state["limit"]["count"] > 0:
                state["limit"]["count"] -= 1
                status, payload = 429, {"error": "slow down"}
                if state["limit"].get("retryAfter") is not None:
                    headers["retry-after"] = str(state["limit"]["retryAfter"])
            elif fail_key is not None and state["fail"][fail_key] != 0:
                if state["fail"][fail_key] > 0:
                    state["fail"][fail_key] -= 1
                status, payload = 500, {"error": "internal"}
            elif user.startswith("missing"):
                status, payload = 404, {"error": "no such user"}
            elif user in state["broken"]:
                raw = b"<html>oops</html>"
            else:
                followers[user] = followers.get(user, 1000) + 10
                payload = {"id": user, "username": f"user_{user}", "followers_count": followers[user],
                           "follows_count": 50, "stats": {"posts": "12"}}
            entry["status"] = status
            entry["end"] = time.time()
        self.reply(status, payload, raw, headers)


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(server.server_address[1], flush=True)
server.serve_forever()
