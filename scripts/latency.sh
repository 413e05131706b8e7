#!/usr/bin/env bash
# Delivery latency benchmark: from the producer's ack (the 201 of POST /events) to the
# consumer's receipt, at a moderate steady load: a long-polling fetch of a consumer group on
# one Sluice node (optimised build) or two (producer on one, consumer on the other, so that the
# wake-up crosses PostgreSQL LISTEN/NOTIFY); and a webhook subscription, its events posted by
# the worker pools of both nodes (partition leases split between them) to a local receiver.
# Prints p50/p99/max and, as the baseline of the same run, the producer's own ack latency.
#   scripts/latency.sh                      default: 200 events/s for 15 s
#   LATENCY_RATE=500 LATENCY_SECONDS=30 scripts/latency.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rate=${LATENCY_RATE:-200}
seconds=${LATENCY_SECONDS:-15}
port=${LATENCY_PORT:-18090}

python3 -c 'import requests' 2>/dev/null || pip3 install -q requests
scripts/services.sh up >/dev/null
eval "$(scripts/services.sh env)"
scripts/services.sh recreate-db sluice_latency >/dev/null
export SLUICE_DATABASE_URL=${SLUICE_DATABASE_URL%/*}/sluice_latency SLUICE_LOG_LEVEL=warning SLUICE_LOG_FORMAT=text SLUICE_REDIS_URL
export SLUICE_JWT_KEYS="latency-1:$(head -c 32 /dev/urandom | base64)" SLUICE_WEBHOOK_ALLOW_PRIVATE_NETWORKS=true
# Limits on (Redis), set where they never refuse.
export SLUICE_PLANS="free:requests=100000/100000,events=1000000/1000000,monthly=unlimited"
swift build -c release --scratch-path .build-release --product sluice 2>&1 | tail -1
bin=$(swift build -c release --scratch-path .build-release --show-bin-path)/sluice
work=$(mktemp -d)
servers=()
trap 'kill "${servers[@]}" 2>/dev/null || true; if [ -n "${LATENCY_KEEP:-}" ]; then echo "logs in $work" >&2; else rm -rf "$work"; fi' EXIT
"$bin" migrate >/dev/null
for p in $port $((port + 1)); do
    if curl -sf "http://127.0.0.1:$p/healthz" >/dev/null; then echo "port $p is taken (LATENCY_PORT=…)" >&2; exit 1; fi
    "$bin" serve --listen 127.0.0.1:$p > "$work/server-$p.log" 2>&1 &
    servers+=($!)
done
for p in $port $((port + 1)); do
    for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$p/healthz" >/dev/null && break; sleep 0.2; done
done
eval "$(printf 'latency-password-123\n' | "$bin" admin demo --password-stdin --email latency@sluice.local)"

python3 - "$port" "$DEMO_API_KEY" "$rate" "$seconds" <<'PY'
import sys, threading, time, uuid, requests
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
port, key, rate, seconds = int(sys.argv[1]), sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
headers = {"Authorization": f"Bearer {key}"}

def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] if values else float("nan")

def run(label, producer_port, consumer_port, webhook=False):
    stream = "lat-" + uuid.uuid4().hex[:8]
    base_p, base_c = f"http://127.0.0.1:{producer_port}", f"http://127.0.0.1:{consumer_port}"
    requests.post(f"{base_p}/v1/streams", json={"name": stream, "partitions": 4}, headers=headers).raise_for_status()
    acked, received, ack_latency = {}, {}, []
    stop = threading.Event()
    if webhook:
        class Hook(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def log_message(self, *args): pass
            def do_POST(self):
                now = time.monotonic()
                self.rfile.read(int(self.headers.get("content-length", "0")))
                received.setdefault(self.headers.get("webhook-id"), now)
                self.send_response(204)
                self.send_header("content-length", "0")
                self.end_headers()
        hook = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
        threading.Thread(target=hook.serve_forever, daemon=True).start()
        requests.post(f"{base_c}/v1/streams/{stream}/subscriptions", headers=headers, json={
            "name": "hook", "url": f"http://127.0.0.1:{hook.server_address[1]}/hook", "start": "latest"}).raise_for_status()
        time.sleep(3)  # the workers' lease rounds pick the subscription up
    else:
        requests.post(f"{base_c}/v1/streams/{stream}/consumer-groups", json={"name": "g", "start": "latest"}, headers=headers).raise_for_status()

    def consume():
        session = requests.Session()
        while not stop.is_set():
            r = session.post(f"{base_c}/v1/streams/{stream}/consumer-groups/g/fetch",
                             json={"memberId": "bench", "waitMs": 1000, "maxEvents": 500}, headers=headers)
            now = time.monotonic()
            r.raise_for_status()
            ends = {}
            for event in r.json()["events"]:
                received.setdefault(event["id"], now)
                ends[event["partition"]] = max(ends.get(event["partition"], 0), event["offset"] + 1)
            if ends:
                session.post(f"{base_c}/v1/streams/{stream}/consumer-groups/g/commit",
                             json={"memberId": "bench", "offsets": [{"partition": p, "offset": o} for p, o in ends.items()]},
                             headers=headers).raise_for_status()

    consumer = threading.Thread(target=consume if not webhook else stop.wait)
    consumer.start()
    time.sleep(0.5)
    session = requests.Session()
    start = time.monotonic()
    sent = 0
    while time.monotonic() - start < seconds:
        due = start + sent / rate
        time.sleep(max(0.0, due - time.monotonic()))
        before = time.monotonic()
        r = session.post(f"{base_p}/v1/streams/{stream}/events", json={"type": "tick", "key": f"k{sent % 16}", "data": {"n": sent}}, headers=headers)
        after = time.monotonic()
        r.raise_for_status()
        acked[r.json()["id"]] = after
        ack_latency.append(after - before)
        sent += 1
    time.sleep(1.5)
    stop.set()
    consumer.join()
    latencies = [received[i] - acked[i] for i in acked if i in received]
    missing = len(acked) - len(latencies)
    print(f"{label:<44} {len(acked) / seconds:>7.0f} {1000 * percentile(ack_latency, 0.5):>9.1f} {1000 * percentile(ack_latency, 0.99):>9.1f}"
          f" {1000 * percentile(latencies, 0.5):>9.1f} {1000 * percentile(latencies, 0.99):>9.1f} {1000 * max(latencies or [0]):>9.1f}"
          + (f"  ({missing} not received)" if missing else ""))

print(f"{'ack → long-poll receipt, ' + str(int(rate)) + ' events/s':<44} {'ev/s':>7} {'ack p50':>9} {'ack p99':>9} {'recv p50':>9} {'recv p99':>9} {'max ms':>9}")
run("one node", port, port)
run("two nodes (wake-up via LISTEN/NOTIFY)", port, port + 1)
print(f"{'ack → webhook receipt, ' + str(int(rate)) + ' events/s':<44}")
run("two nodes' worker pools, 4 partitions", port, port, webhook=True)
PY
