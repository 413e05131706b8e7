#!/usr/bin/env bash
# Analytics benchmark: a month of social events (10 million by default) in one stream, rolled
# up by Sluice's own consumer, then every analytics query kind over HTTP, p50 and p99, and
# every dashboard page's HTML on the same data.
# Baselines measured in the same run, on the same PostgreSQL:
#   (a) writing the events themselves (INSERT … SELECT of the generated rows), against which
#       the rollup consumer's throughput is put;
#   (b) the brute-force answer to one query (events per hour over the month, and the top
#       actors) computed from the event store, against which the rollup queries are put.
#   scripts/analytics-bench.sh                       10,000,000 events over 30 days
#   ANALYTICS_EVENTS=1000000 scripts/analytics-bench.sh
#   ANALYTICS_RUNS=200 (queries per kind, after 10 to warm up)
#   ANALYTICS_REUSE=1 scripts/analytics-bench.sh     the queries again, on the last run's data
#   BENCH_BIN=/path/to/sluice scripts/analytics-bench.sh   another build
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
events=${ANALYTICS_EVENTS:-10000000}
days=${ANALYTICS_DAYS:-30}
runs=${ANALYTICS_RUNS:-200}
reuse=${ANALYTICS_REUSE:-0}
port=${BENCH_PORT:-18081}
partitions=4

scripts/services.sh up >/dev/null
eval "$(scripts/services.sh env)"
db_url=${SLUICE_DATABASE_URL%/*}/sluice_analytics_bench
if [ "$reuse" = 1 ]; then
    psql -At "$db_url" -c "SELECT 1 FROM streams WHERE name = 'social'" 2>/dev/null | grep -q 1 || { echo "no earlier run's data to reuse" >&2; exit 1; }
else
    scripts/services.sh recreate-db sluice_analytics_bench >/dev/null
fi

# Optimised, in a build folder of its own so that it never invalidates the debug build;
# BENCH_BIN=path/to/sluice measures another build (e.g. an earlier commit's).
if [ -n "${BENCH_BIN:-}" ]; then bin=$BENCH_BIN; else
    swift build -c release --scratch-path .build-release --product sluice 2>&1 | tail -1
    bin=$(swift build -c release --scratch-path .build-release --show-bin-path)/sluice
fi
work=$(mktemp -d)
trap 'kill "${server:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

export SLUICE_DATABASE_URL=$db_url SLUICE_LOG_LEVEL=warning SLUICE_LOG_FORMAT=text SLUICE_REDIS_URL= SLUICE_RATE_LIMITS_ENABLED=false
export SLUICE_WORKER_CONCURRENCY=0
export SLUICE_JWT_KEYS="bench-1:$(head -c 32 /dev/urandom | base64)"
"$bin" migrate >/dev/null
if curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; then echo "port $port is taken (BENCH_PORT=…)" >&2; exit 1; fi
start_server() {  # rollups: true|false
    SLUICE_ROLLUPS=$1 "$bin" serve --listen 127.0.0.1:$port > "$work/server.log" 2>&1 &
    server=$!
    for _ in $(seq 1 150); do curl -sf http://127.0.0.1:$port/healthz >/dev/null && break; sleep 0.2; done
    kill -0 "$server" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
}
stop_server() { kill "$server"; wait "$server" 2>/dev/null || true; }

if [ "$reuse" = 1 ]; then
    # The same data and tenant: a token of the bench user's instead of a new demo key.
    start_server true
    DEMO_API_KEY=$(curl -sf -X POST http://127.0.0.1:$port/v1/auth/login -H 'content-type: application/json' \
        -d '{"email":"bench@sluice.local","password":"bench-password-123"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["accessToken"])')
    start=$(psql -At "$db_url" -c "SELECT to_char(min(bucket) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM rollups WHERE resolution = 86400")
    events=$(psql -At "$db_url" -c "SELECT count(*) FROM events")
    ids=$(psql -At "$db_url" -c "SELECT tenant_id || ' ' || id FROM streams WHERE name = 'social'")
    tenant=${ids% *}; stream=${ids#* }
    echo "Sluice analytics benchmark, queries again on the last run's data — $(nproc) cores, $(date -u +%FT%TZ); $events events from $start; $runs queries a kind"
    echo
else
start_server false
eval "$(printf 'bench-password-123\n' | "$bin" admin demo --password-stdin --email bench@sluice.local)"
auth="authorization: Bearer $DEMO_API_KEY"
curl -sf -o /dev/null -X POST http://127.0.0.1:$port/v1/streams -H "$auth" -H 'content-type: application/json' \
     -d "{\"name\":\"social\",\"partitions\":$partitions}"
stop_server
ids=$(psql -At "$db_url" -c "SELECT tenant_id || ' ' || id FROM streams WHERE name = 'social'")
tenant=${ids% *}; stream=${ids#* }
start=$(date -u -d "$(date -u +%F) - $days days" +%FT%TZ)

echo "Sluice analytics benchmark — $(nproc) cores, $(date -u +%FT%TZ), PostgreSQL $(psql -At "$db_url" -c 'SHOW server_version') (shared_buffers $(psql -At "$db_url" -c 'SHOW shared_buffers'))"
echo "$events events over $days days from $start in $partitions partitions: 1,000 accounts on 3 platforms (5% account snapshots),"
echo "20,000 posts (60% post snapshots with growing counts), 50,000 commenters (35% comments); $runs queries a kind"
echo

# The events, as the social adapters write them, made in SQL a million at a time; offsets dense
# per partition (i mod 4, i div 4); event times in order over the month with a minute's jitter.
generate_started=$(date +%s.%N)
for ((from = 0; from < events; from += 1000000)); do
    to=$(( from + 1000000 < events ? from + 1000000 : events ))
    psql -q "$db_url" -v ON_ERROR_STOP=1 <<SQL
INSERT INTO events (tenant_id, stream_id, partition, "offset", id, type, source, key, occurred_at, received_at, payload)
SELECT '$tenant', '$stream', (i % $partitions)::smallint, i / $partitions, gen_random_uuid(),
       CASE WHEN kind = 0 THEN 'social.account.metrics' WHEN kind <= 12 THEN 'social.post.metrics' ELSE 'social.comment.created' END,
       platform, platform || ':a' || account, at, now(),
       jsonb_build_object('platform', platform, 'account', jsonb_build_object('id', 'a' || account, 'handle', 'account_' || account))
       || CASE
            WHEN kind = 0 THEN jsonb_build_object('kind', 'account', 'action', 'snapshot',
                 'metrics', jsonb_build_object('followers', 1000 * (account % 50 + 1) + floor(progress * account * 100), 'following', account % 300))
            WHEN kind <= 12 THEN jsonb_build_object('kind', 'post', 'action', 'snapshot', 'content', jsonb_build_object('id', 'p' || post),
                 'metrics', jsonb_build_object('likes', floor(progress * (post % 500 + 1) * 10), 'comments', floor(progress * (post % 70)),
                                               'shares', floor(progress * (post % 90)), 'views', floor(progress * (post % 500 + 1) * 400)))
            ELSE jsonb_build_object('kind', 'comment', 'action', 'commented', 'content', jsonb_build_object('id', 'c' || i),
                 'actor', jsonb_build_object('id', 'u' || actor))
          END
FROM (
    SELECT i, (i * 7) % 20 AS kind, i::float8 / $events AS progress,
           CASE WHEN (i * 7) % 20 BETWEEN 1 AND 12 THEN ((i * 2654435761) % 20000) % 1000 ELSE (i * 40503) % 1000 END AS account,
           (i * 2654435761) % 20000 AS post, (i * 97 + i / 1000) % 50000 AS actor,
           (ARRAY['twitter', 'youtube', 'instagram'])[((CASE WHEN (i * 7) % 20 BETWEEN 1 AND 12 THEN ((i * 2654435761) % 20000) % 1000 ELSE (i * 40503) % 1000 END) % 3) + 1] AS platform,
           TIMESTAMPTZ '$start' + make_interval(secs => i::float8 / $events * $days * 86400 + ((i * 31) % 60)) AS at
    FROM generate_series($from::int8, $to::int8 - 1) AS i
) g;
SQL
done
psql -q "$db_url" -c "UPDATE stream_partitions SET next_offset = ($events - partition + $partitions - 1) / $partitions WHERE stream_id = '$stream'"
generate_seconds=$(awk -v s="$generate_started" -v e="$(date +%s.%N)" 'BEGIN {printf "%.1f", e - s}')
psql -q "$db_url" -c "VACUUM ANALYZE events"

# The rollup consumer of one `sluice serve`, from nothing to caught up.
rollup_started=$(date +%s.%N)
start_server true
while :; do
    lag=$(curl -sf "http://127.0.0.1:$port/v1/streams/social/analytics" -H "$auth" | python3 -c 'import json,sys; print(sum(json.load(sys.stdin)["lag"]))')
    [ "$lag" = 0 ] && break
    sleep 1
done
rollup_seconds=$(awk -v s="$rollup_started" -v e="$(date +%s.%N)" 'BEGIN {printf "%.1f", e - s}')
psql -q "$db_url" -c "VACUUM ANALYZE rollups" -c "VACUUM ANALYZE entity_rollups"
rollup_rows=$(psql -At "$db_url" -c "SELECT (SELECT count(*) FROM rollups) || ' rollup rows, ' || (SELECT count(*) FROM entity_rollups) || ' entity rollup rows'")

printf "%-62s %12s %10s\n" "writing and rolling up" "seconds" "events/s"
printf "%-62s %12s %10s\n" "(a) the events themselves: INSERT … SELECT into the store" "$generate_seconds" "$(awk -v n="$events" -v s="$generate_seconds" 'BEGIN {printf "%.0f", n/s}')"
printf "%-62s %12s %10s  (%s of (a))\n" "Sluice's rollup consumer (5m/1h/1d + entities, exactly once)" "$rollup_seconds" \
    "$(awk -v n="$events" -v s="$rollup_seconds" 'BEGIN {printf "%.0f", n/s}')" "$(awk -v a="$generate_seconds" -v b="$rollup_seconds" 'BEGIN {printf "%.2f", a/b}')"
echo "  ($rollup_rows)"
echo
fi

# (b) Brute force from the event store, best of 3.
brute() {
    local best=""
    for _ in 1 2 3; do
        local t0; t0=$(date +%s%N)
        psql -q "$db_url" -c "$1" >/dev/null
        local ms=$(( ($(date +%s%N) - t0) / 1000000 ))
        [ -z "$best" ] || [ "$ms" -lt "$best" ] && best=$ms
    done
    echo "$best"
}
end=$(date -u +%FT%TZ)
brute_series=$(brute "SELECT date_bin('1 hour', occurred_at, TIMESTAMPTZ '1970-01-01Z'), count(*) FROM events WHERE tenant_id = '$tenant' AND stream_id = '$stream' AND occurred_at >= '$start' AND occurred_at < '$end' GROUP BY 1")
brute_actors=$(brute "SELECT payload #>> '{actor,id}', count(*) FROM events WHERE tenant_id = '$tenant' AND stream_id = '$stream' AND occurred_at >= '$start' AND occurred_at < '$end' AND payload ? 'actor' GROUP BY 1 ORDER BY 2 DESC LIMIT 10")

week=$(date -u -d "$end - 7 days" +%FT%TZ)
day=$(date -u -d "$end - 1 day" +%FT%TZ)
python3 - "$port" "$DEMO_API_KEY" "$runs" "$start" "$end" "$week" "$day" "$brute_series" "$brute_actors" <<'PY'
import http.client, sys, time, urllib.parse
port, key, runs, start, end, week, day, brute_series, brute_actors = sys.argv[1], sys.argv[2], int(sys.argv[3]), *sys.argv[4:8], float(sys.argv[8]), float(sys.argv[9])
month = {"from": start, "to": end}
queries = [
    ("series: events per hour, the month (720 buckets)", "series", dict(month, metric="events", resolution="1h"), brute_series),
    ("series: likes per 5 min, one day, platform twitter", "series", {"from": day, "to": end, "metric": "metrics.likes", "resolution": "5m", "platform": "twitter"}, None),
    ("series: unique actors (HLL) per day, the month", "series", dict(month, metric="actors", resolution="1d"), None),
    ("series: engagement rate per day, the month", "series", dict(month, metric="engagementRate", resolution="1d"), None),
    ("distribution: by platform, the month", "distribution", dict(month, by="platform"), None),
    ("leaderboard: top 10 actors by events, the month", "leaderboard", dict(month, entity="actor", by="events"), brute_actors),
    ("leaderboard: top 10 accounts by follower growth, the month", "leaderboard", dict(month, entity="account", by="growth.followers"), None),
    ("leaderboard: top 10 posts by engagement, the last 7 days", "leaderboard", {"from": week, "to": end, "entity": "content", "by": "engagement"}, None),
    ("leaderboard: top 10 accounts by engagement per follower, 7 days", "leaderboard", {"from": week, "to": end, "entity": "account", "by": "engagementPerFollower"}, None),
    ("activity: an account's followers per day, the month", "entities/account/a7", dict(month, resolution="1d"), None),
    ("activity: an actor's comments per hour, 7 days", "entities/actor/u123", {"from": week, "to": end, "resolution": "1h"}, None),
]
connection = http.client.HTTPConnection("127.0.0.1", int(port))

def timed(label, path, params, warm_up):
    """The first time, p50 and p99 in ms of `runs` queries after `warm_up` more."""
    url = f"/v1/streams/social/analytics/{path}?" + urllib.parse.urlencode(params)
    first, timings = None, []
    for index in range(runs + warm_up):
        t0 = time.perf_counter()
        connection.request("GET", url, headers={"Authorization": f"Bearer {key}"})
        response = connection.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - t0) * 1000
        if response.status != 200:
            sys.exit(f"{label}: HTTP {response.status} {body[:300]!r}")
        first = elapsed if first is None else first
        if index >= warm_up:
            timings.append(elapsed)
    timings.sort()
    return first, timings[len(timings) // 2], timings[min(len(timings) - 1, int(len(timings) * 0.99))]

print(f"{'query (HTTP, keep-alive, one client)':<62} {'first ms':>9} {'p50 ms':>8} {'p99 ms':>8} {'brute ms':>9} {'speed-up':>9}")
worst = 0.0
for label, path, params, brute in queries:
    first, p50, p99 = timed(label, path, params, warm_up=10)
    worst = max(worst, p99)
    print(f"{label:<62} {first:9.1f} {p50:8.1f} {p99:8.1f} {(f'{brute:.0f}' if brute else ''):>9} {(f'{brute / p50:.0f}x' if brute else ''):>9}")
print()
print(f"worst p99: {worst:.1f} ms (target 50 ms); first: the kind's first query, before any day is in memory")

# The leaderboards again, up to the end of today, while events arrive over HTTP (comments and
# post snapshots stamped now, in batches of 100): today is not final, and each query finds it
# changed by the consumer's batches since the last one.
import json, random, re, threading, uuid
from datetime import datetime, timedelta, timezone
def refreshes():
    connection.request("GET", "/metrics")
    text = connection.getresponse().read().decode()
    found = re.search(r'sluice_analytics_cache_requests_total\{outcome="refresh"\} (\d+)', text)
    return int(found.group(1)) if found else 0
stop, sent = threading.Event(), [0]
def produce():
    producer, rng, platforms = http.client.HTTPConnection("127.0.0.1", int(port)), random.Random(7), ["twitter", "youtube", "instagram"]
    while not stop.is_set():
        batch = []
        for _ in range(100):
            account = rng.randrange(1000)
            data = {"platform": platforms[account % 3], "account": {"id": f"a{account}", "handle": f"account_{account}"}}
            if rng.random() < 0.5:
                data.update(kind="comment", action="commented", content={"id": f"c-live-{uuid.uuid4()}"}, actor={"id": f"u{rng.randrange(50000)}"})
                kind = "social.comment.created"
            else:
                post = rng.randrange(20000)
                data.update(kind="post", action="snapshot", content={"id": f"p{post}"},
                            metrics={"likes": (post % 500 + 1) * 10 + sent[0] // 1000, "comments": post % 70, "shares": post % 90, "views": (post % 500 + 1) * 400})
                kind = "social.post.metrics"
            batch.append({"type": kind, "key": f"{data['platform']}:a{account}", "occurredAt": datetime.now(timezone.utc).isoformat(), "data": data})
        producer.request("POST", "/v1/streams/social/events/batch", body=json.dumps({"events": batch}),
                         headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
        response = producer.getresponse()
        response.read()
        if response.status != 200:
            print(f"ingest: HTTP {response.status}; the events/s below stop there", file=sys.stderr)
            return
        sent[0] += len(batch)
        time.sleep(0.1)
today_end = (datetime.now(timezone.utc) + timedelta(days=1)).strftime("%Y-%m-%dT00:00:00Z")
live = [(label, path, dict(params, to=today_end)) for label, path, params, _ in queries if path == "leaderboard"]
before = refreshes()
thread = threading.Thread(target=produce, daemon=True)
thread.start()
time.sleep(3)
started, sent_before = time.perf_counter(), sent[0]
print()
print(f"{'leaderboards up to the end of today, while events arrive':<62} {'':>9} {'p50 ms':>8} {'p99 ms':>8}")
worst_live = 0.0
for label, path, params in live:
    _, p50, p99 = timed(label, path, params, warm_up=0)
    worst_live = max(worst_live, p99)
    print(f"{label:<62} {'':>9} {p50:8.1f} {p99:8.1f}")
rate = (sent[0] - sent_before) / (time.perf_counter() - started)
stop.set()
thread.join()
print()
print(f"worst p99 while events arrive: {worst_live:.1f} ms; {rate:.0f} events/s arriving; "
      f"{refreshes() - before} days brought up to date with the batches since (cache refreshes)")
PY

# The dashboard: every page's HTML for the bench user, signed in with a session as a browser
# is (the same server, the same data); a consumer group behind by every event and a schema
# with two versions give the group and schema pages something to show.
curl -sf -o /dev/null -X POST "http://127.0.0.1:$port/v1/streams/social/consumer-groups" -H "$auth" -H 'content-type: application/json' \
     -d '{"name":"readers","start":"earliest"}' || true
for schema in '{"type":"object","additionalProperties":true}' '{"type":"object","properties":{"platform":{"type":"string"}}}'; do
    curl -sf -o /dev/null -X POST "http://127.0.0.1:$port/v1/streams/social/schemas/social.post.metrics/versions" -H "$auth" \
         -H 'content-type: application/json' -d "{\"schema\":$schema}" || true
done
python3 - "$port" "$runs" <<'PY'
import http.client, re, sys, time, urllib.parse
port, runs = int(sys.argv[1]), int(sys.argv[2])
connection = http.client.HTTPConnection("127.0.0.1", port)
origin = f"http://127.0.0.1:{port}"
connection.request("GET", "/dashboard/sign-in")
response = connection.getresponse()
page = response.read().decode()
nonce = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)
cookie = response.getheader("set-cookie").split(";")[0]
form = urllib.parse.urlencode({"_csrf": nonce, "email": "bench@sluice.local", "password": "bench-password-123"})
connection.request("POST", "/dashboard/sign-in", body=form, headers={
    "Cookie": cookie, "Origin": origin, "Content-Type": "application/x-www-form-urlencoded"})
response = connection.getresponse()
response.read()
session = [c.split(";")[0] for c in response.headers.get_all("set-cookie") if c.startswith("sluice_session=")]
if response.status != 303 or not session:
    sys.exit(f"dashboard sign-in: HTTP {response.status}")
stream = "/dashboard/streams/social"
pages = [
    ("overview", "/dashboard"), ("streams", "/dashboard/streams"), ("stream: partitions", stream), ("live tail (the page)", stream + "/tail"),
    ("events: the latest 50", stream + "/events"), ("events: by type", stream + "/events?type=social.comment.created"),
    ("events: by key and time", stream + "/events?key=youtube%3Aa7&from=2020-01-01T00%3A00"), ("an event", stream + "/events/0/0"),
    ("schemas", stream + "/schemas"), ("a schema, two versions side by side", stream + "/schemas/social.post.metrics?left=1&right=2"),
    ("consumer groups", stream + "/consumer-groups"), ("a group, 24 h of lag", stream + "/consumer-groups/readers"),
    ("a group, 7 days of lag", stream + "/consumer-groups/readers?window=7d"), ("subscriptions", stream + "/subscriptions"),
    ("pull sources", stream + "/sources"), ("analytics, 24 h", stream + "/analytics"),
    ("analytics, 30 days by day, by platform", stream + "/analytics?range=30d&resolution=1d&by=platform"),
    ("analytics, 7 days, likes, top posts", stream + "/analytics?range=7d&metric=metrics.likes&entity=content&rank=engagement"),
    ("an account's growth, 30 days", stream + "/analytics/entities/account/a7"), ("API keys", "/dashboard/api-keys"),
    ("members", "/dashboard/members"), ("audit log", "/dashboard/audit"), ("usage", "/dashboard/usage"),
]
print()
print(f"{'dashboard page (HTML, signed in, one client)':<62} {'first ms':>9} {'p50 ms':>8} {'p99 ms':>8} {'KB':>6}")
worst = 0.0
for label, path in pages:
    first, timings, size = None, [], 0
    for index in range(runs + 10):
        t0 = time.perf_counter()
        connection.request("GET", path, headers={"Cookie": session[0]})
        response = connection.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - t0) * 1000
        if response.status != 200:
            sys.exit(f"{label}: HTTP {response.status} {body[:300]!r}")
        first = elapsed if first is None else first
        size = len(body)
        if index >= 10:
            timings.append(elapsed)
    timings.sort()
    p50, p99 = timings[len(timings) // 2], timings[min(len(timings) - 1, int(len(timings) * 0.99))]
    worst = max(worst, p99)
    print(f"{label:<62} {first:9.1f} {p50:8.1f} {p99:8.1f} {size / 1024:6.1f}")
print()
print(f"worst dashboard p99: {worst:.1f} ms (target 50 ms)")
PY
stop_server
