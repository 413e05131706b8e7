#!/usr/bin/env bash
# Ingest benchmark: in one run, on this machine, against the same PostgreSQL and table,
#   (a) raw multi-row INSERTs of the same events straight into PostgreSQL (pgbench, 100 rows a transaction)
#   (c) single-row durable INSERT transactions (pgbench), the bar for single-event ingest
#   (b) Sluice's HTTP ingest: batches of 100 and single events, at several connection counts (wrk),
#       with limits off and with them on (rate limits, quota and usage in Redis, set high enough
#       never to refuse, so that what is measured is their cost)
#   (d) the service a user might write instead (scripts/bench-baseline.py: FastAPI, uvicorn and
#       asyncpg, one unnest INSERT a request, no auth, validation, dedupe or limits), same load
# then the append statement's planning and execution time (scripts/append-plan.py), and
# prints events/s, latency, the server's RSS, the CPU that the server and PostgreSQL spent per
# event stored (µs, from /proc: the server process; the postmaster, its children and the
# children it reaped), and the ratios to (d), (a), (c) and limits off.
#   scripts/bench.sh                 default: 15 s a measurement
#   BENCH_SECONDS=30 scripts/bench.sh
#   BENCH_BIN=/path/to/sluice scripts/bench.sh      another build against the same baselines
#   SLUICE_ROLLUPS=false scripts/bench.sh           ingest alone (the servers run without the rollups)
#   BENCH_STEADY_RATE=1000 scripts/bench.sh         also single events at a steady rate (64 connections,
#                                                   each paced; 0 skips it, the default), limits on
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds=${BENCH_SECONDS:-15}
port=${BENCH_PORT:-18080}
baseline_port=$((port + 1))

command -v wrk >/dev/null || { sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo; $sudo apt-get install -y -qq wrk >/dev/null; }
scripts/services.sh up >/dev/null
eval "$(scripts/services.sh env)"
scripts/services.sh recreate-db sluice_bench >/dev/null
db_url=${SLUICE_DATABASE_URL%/*}/sluice_bench
pgbench=$(ls /usr/lib/postgresql/*/bin/pgbench | tail -1)

# Optimised, in a build folder of its own so that it never invalidates the debug build;
# BENCH_BIN=path/to/sluice measures another build (e.g. an earlier commit's) against the same
# baselines.
if [ -n "${BENCH_BIN:-}" ]; then bin=$BENCH_BIN; else
    swift build -c release --scratch-path .build-release --product sluice 2>&1 | tail -1
    bin=$(swift build -c release --scratch-path .build-release --show-bin-path)/sluice
fi
# The baseline service (d), in a virtual environment of its own (not CI's tools).
venv=.local/bench-venv
if ! cmp -s scripts/bench-requirements.txt "$venv/.requirements"; then
    rm -rf "$venv"; python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check -r scripts/bench-requirements.txt
    cp scripts/bench-requirements.txt "$venv/.requirements"
fi
work=$(mktemp -d)
trap 'kill "${server:-}" 2>/dev/null || true; [ -n "${BENCH_KEEP:-}" ] || rm -rf "$work"' EXIT

export SLUICE_DATABASE_URL=$db_url SLUICE_LOG_LEVEL=warning
export SLUICE_JWT_KEYS="bench-1:$(head -c 32 /dev/urandom | base64)"
# Limits on: every check runs (a quota far away, rates never reached).
export SLUICE_PLANS="free:requests=10000000/10000000,events=100000000/100000000,monthly=1000000000000"
redis_url=$SLUICE_REDIS_URL
"$bin" migrate >/dev/null
if curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; then echo "port $port is taken (BENCH_PORT=…)" >&2; exit 1; fi
start_server() {  # limits: on|off
    if [ "$1" = on ]; then
        SLUICE_REDIS_URL=$redis_url SLUICE_RATE_LIMITS_ENABLED=true "$bin" serve --listen 127.0.0.1:$port > "$work/server.log" 2>&1 &
    else
        SLUICE_REDIS_URL= SLUICE_RATE_LIMITS_ENABLED=false "$bin" serve --listen 127.0.0.1:$port > "$work/server.log" 2>&1 &
    fi
    server=$!
    for _ in $(seq 1 150); do curl -sf http://127.0.0.1:$port/healthz >/dev/null && break; sleep 0.2; done
    kill -0 "$server" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
}
start_baseline() {
    BENCH_TENANT=$tenant BENCH_STREAM=$baseline_stream DATABASE_URL=$db_url "$venv/bin/uvicorn" --app-dir scripts bench-baseline:app \
        --host 127.0.0.1 --port "$baseline_port" --loop uvloop --http httptools --no-access-log --log-level warning > "$work/baseline.log" 2>&1 &
    server=$!
    for _ in $(seq 1 150); do curl -sf http://127.0.0.1:$baseline_port/healthz >/dev/null && break; sleep 0.2; done
    kill -0 "$server" 2>/dev/null || { cat "$work/baseline.log" >&2; exit 1; }
}
# Until the benchmark database's backends are gone (and reaped, their CPU in the postmaster's
# total), so that their CPU is counted in the measurement that made them, not the next.
backends_gone() {
    for _ in $(seq 1 50); do
        [ "$(psql -At "$db_url" -c "SELECT count(*) FROM pg_stat_activity WHERE datname = 'sluice_bench' AND pid <> pg_backend_pid()")" = 0 ] && break
        sleep 0.1
    done
}
stop_server() {
    kill "$server"; wait "$server" 2>/dev/null || true
    backends_gone
}
start_server off
eval "$(printf 'bench-password-123\n' | "$bin" admin demo --password-stdin --email bench@sluice.local)"
auth="authorization: Bearer $DEMO_API_KEY"
# The baselines write into a stream of their own in the same table: in Sluice's stream, their
# rows (offsets from a sequence of their own, counters never advanced) would move the rollup
# consumer past every offset Sluice gives out, and the rollups would go idle for the rest of
# the run (they did, until 2026-12-06: "rollups on" measured them for a few seconds only).
for name in bench baseline; do
    curl -sf -o /dev/null -X POST http://127.0.0.1:$port/v1/streams -H "$auth" -H 'content-type: application/json' \
         -d "{\"name\":\"$name\",\"partitions\":4}"
done

# The events: the unified social shape the platform adapters write (about 330 bytes of data).
python3 - "$work" <<'PY'
import json, sys, random
work = sys.argv[1]
random.seed(7)
def data(i):
    return {"platform": "twitter", "kind": "post", "action": "snapshot",
            "account": {"id": str(100000 + i % 50), "handle": f"account_{i % 50}"},
            "content": {"id": str(1460323737035677698 + i), "text": "A post about launches, with a link https://t.co/abc"},
            "metrics": {"likes": random.randint(0, 5000), "comments": random.randint(0, 300), "shares": random.randint(0, 900),
                        "quotes": random.randint(0, 50), "impressions": random.randint(1000, 900000)},
            "occurredAt": "2026-11-22T10:00:00.000Z"}
events = [{"type": "social.post.metrics", "source": "twitter", "key": f"twitter:{100000 + i % 50}", "data": data(i)} for i in range(100)]
open(f"{work}/batch.json", "w").write(json.dumps({"events": events}))
# Single events: the same 100, one a line; each request sends the next (their keys spread them over partitions).
open(f"{work}/single.json", "w").write("\n".join(json.dumps(e) for e in events) + "\n")
# The same rows for the raw baselines: 100 per statement, and one.
def row(i, e):
    payload = json.dumps(e["data"]).replace("'", "''")
    return ("(:tenant, :stream, (%d %% 4)::smallint, nextval('bench_offsets'), gen_random_uuid(), '%s', '%s', '%s', now(), now(), NULL, NULL, NULL, '%s')"
            % (i, e["type"], e["source"], e["key"], payload))
columns = 'INSERT INTO events (tenant_id, stream_id, partition, "offset", id, type, source, key, occurred_at, received_at, schema_version, schema_errors, attributes, payload) VALUES '
open(f"{work}/raw_batch.sql", "w").write(columns + ",\n".join(row(i, e) for i, e in enumerate(events)) + ";\n")
open(f"{work}/raw_single.sql", "w").write(columns + row(0, events[0]) + ";\n")
PY
psql -q "$db_url" -c "CREATE SEQUENCE IF NOT EXISTS bench_offsets START 1000000000"
ids=$(psql -At "$db_url" -c "SELECT tenant_id || ' ' || id FROM streams WHERE name = 'bench'")
tenant=${ids% *}; stream=${ids#* }
baseline_stream=$(psql -At "$db_url" -c "SELECT id FROM streams WHERE name = 'baseline'")

rss() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$server/status"; }

# CPU in clock ticks: a process's own (utime + stime), or a PostgreSQL cluster's (the
# postmaster's own and reaped children's, and every live child's). /proc/PID/stat's fields
# after "(comm) ": state is the 1st, utime the 12th, stime the 13th, cutime the 14th, cstime the 15th.
postmaster=$(head -1 .local/postgres/data/postmaster.pid)
hz=$(getconf CLK_TCK)
# A process gone before it is read counts 0 (its CPU is then in the postmaster's reaped total).
ticks() {
    local fields; fields=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
    awk -v all="${2:-}" '{print $12 + $13 + (all ? $14 + $15 : 0)}' <<<"$fields"
}
pg_ticks() {
    local total; total=$(ticks "$postmaster" all)
    for child in $(pgrep -P "$postmaster"); do total=$((total + $(ticks "$child"))); done
    echo "$total"
}
per_event_us() {  # ticks events → µs of CPU per event
    awk -v t="$1" -v n="$2" -v hz="$hz" 'BEGIN {printf "%.0f", (n > 0 ? t / hz * 1e6 / n : 0)}'
}

# pgbench: prints "events/s p50 p99" (latency percentiles from the per-transaction log).
raw() {  # file clients rows-per-transaction → events/s p50 p99 pg-µs/event
    local before_pg; before_pg=$(pg_ticks)
    (cd "$work" && rm -f pgbench_log.* && "$pgbench" -n -c "$2" -j 2 -T "$seconds" -l -f "$1" \
        -D tenant="'$tenant'" -D stream="'$baseline_stream'" "$db_url" > pgbench.out 2>&1)
    backends_gone
    local pg_t=$(($(pg_ticks) - before_pg))
    local tps; tps=$(awk '/^tps/ {print $3; exit}' "$work/pgbench.out")
    local events; events=$(awk -v t="$tps" -v r="$3" -v s="$seconds" 'BEGIN {printf "%.0f", t*r*s}')
    local lat; lat=$(cat "$work"/pgbench_log.* | awk '{print $3}' | sort -n | awk '{a[NR]=$1} END {printf "%.1f %.1f", a[int(NR*0.5)]/1000, a[int(NR*0.99)]/1000}')
    echo "$(awk -v t="$tps" -v r="$3" 'BEGIN {printf "%.0f", t*r}') $lat $(per_event_us "$pg_t" "$events")"
}

cat > "$work/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $DEMO_API_KEY"
local bodies = {}
if os.getenv("BODY"):match("single") then
  for line in io.lines(os.getenv("BODY")) do bodies[#bodies + 1] = line end
else
  local f = io.open(os.getenv("BODY"), "r"); bodies[1] = f:read("*a"); f:close()
end
local next_body = 0
request = function()
  next_body = next_body % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[next_body])
end
-- PACE_MS: each connection waits this long after an answer before its next request (a steady
-- rate below what the server could take, not a closed loop at full speed).
local pace = tonumber(os.getenv("PACE_MS") or "0")
if pace > 0 then delay = function() return pace end end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %.1f %.1f %.1f %d %d %.1f %.1f\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency.mean / 1000, latency.max / 1000))
end
LUA
# The server measured (Sluice, or the baseline service (d)) and how its stored events are counted.
target_port=$port counter=stored
http() {  # path body connections events-per-request → events/s p50 p99 non-2xx errors server-µs/event pg-µs/event
    local before_s before_pg stored_before
    stored_before=$($counter)
    before_s=$(ticks "$server"); before_pg=$(pg_ticks)
    local out; out=$(BODY="$work/$2" wrk -t2 -c"$3" -d"${seconds}s" --latency -s "$work/post.lua" "http://127.0.0.1:$target_port$1" | awk '/^RESULT/')
    local sluice_t=$(($(ticks "$server") - before_s)) pg_t=$(($(pg_ticks) - before_pg))
    local events=$(($($counter) - stored_before))
    read -r _ rps p50 p99 bad errors _ <<<"$out"
    echo "$(awk -v r="$rps" -v n="$4" 'BEGIN {printf "%.0f", r*n}') $p50 $p99 $bad $errors $(per_event_us "$sluice_t" "$events") $(per_event_us "$pg_t" "$events")"
}
stored() { psql -At "$db_url" -c "SELECT coalesce(sum(next_offset), 0) FROM stream_partitions p JOIN streams s ON s.id = p.stream_id WHERE s.name = 'bench'"; }
# The events stored but not yet rolled up (the rollup consumer's lag), all partitions.
unrolled() {
    psql -At "$db_url" -c "SELECT coalesce(sum(greatest(p.next_offset - coalesce(o.next_offset, 0), 0)), 0) FROM stream_partitions p JOIN streams s ON s.id = p.stream_id
                           LEFT JOIN rollup_offsets o ON o.tenant_id = p.tenant_id AND o.stream_id = p.stream_id AND o.partition = p.partition
                           WHERE s.name = 'bench'"
}
# When the load stops: the events not yet rolled up, and the seconds until they are (at most 120).
rollup_lag() {  # → events-behind seconds-to-catch-up
    [ "${SLUICE_ROLLUPS:-true}" != false ] || { echo "0 0"; return; }  # ingest alone: nothing to wait for
    local behind; behind=$(unrolled)
    local started; started=$(date +%s.%N)
    for _ in $(seq 1 1200); do [ "$(unrolled)" = 0 ] && break; sleep 0.1; done
    echo "$behind $(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN {printf "%.1f", e - s}')"
}
# The baseline service takes its offsets from the sequence the raw baselines use.
sequenced() { psql -At "$db_url" -c "SELECT last_value FROM bench_offsets"; }

echo "Sluice ingest benchmark — $(nproc) cores, $(date -u +%FT%TZ), ${seconds}s a measurement, 4 partitions, PostgreSQL $(psql -At "$db_url" -c 'SHOW server_version')"
echo
read -r raw_batch raw_batch_p50 raw_batch_p99 raw_batch_pg <<<"$(raw raw_batch.sql 4 100)"
read -r raw_single raw_single_p50 raw_single_p99 raw_single_pg <<<"$(raw raw_single.sql 16 1)"
# The baselines' rows vacuumed now, not by an autovacuum during the first measurement (it
# doubled that measurement's PostgreSQL CPU per event).
psql -q "$db_url" -c "VACUUM (ANALYZE) events" >/dev/null
printf "%-52s %10s %9s %9s %10s\n" "measurement" "events/s" "p50 ms" "p99 ms" "PG µs/ev"
printf "%-52s %10s %9s %9s %10s\n" "(a) raw INSERT, 100 rows a transaction, 4 clients" "$raw_batch" "$raw_batch_p50" "$raw_batch_p99" "$raw_batch_pg"
printf "%-52s %10s %9s %9s %10s\n" "(c) raw INSERT, 1 row a transaction, 16 clients" "$raw_single" "$raw_single_p50" "$raw_single_p99" "$raw_single_pg"
echo
# Each measurement six times, a fresh server each: the baseline service (d), Sluice with limits
# off, on, on, off, and (d) again, averaged: a drift over the run (the table grows) weighs on all alike.
stop_server
# BENCH_ONLY="single.json 256" runs one of them (the baselines still run).
if [ -n "${BENCH_ONLY:-}" ]; then measurements=("$BENCH_ONLY"); else
    measurements=("batch.json 8" "batch.json 16" "batch.json 64" "single.json 8" "single.json 16" "single.json 64" "single.json 256")
fi
lag_rows=()
average() {  # label → events/s p50 p99 non-2xx errors server-µs/event pg-µs/event over the runs of that label
    printf '%s\n' "${runs[@]}" | awk -v l="$1" '$1 == l {n++; e+=$2; p+=$3; q+=$4; b+=$5; x+=$6; s+=$7; g+=$8} END {printf "%.0f %.1f %.1f %d %d %.0f %.0f", e/n, p/n, q/n, b, x, s/n, g/n}'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b > 0 ? a/b : 0)}'; }
row='%-33s %9s %9s %7s %7s %9s %7s %6s %6s %6s %7s %10s %10s %10s%s\n'
printf "$row" "HTTP ingest" "off ev/s" "on ev/s" "p50 ms" "p99 ms" "(d) ev/s" "p99 ms" "on/off" "on/d" "vs a|c" "RSS MiB" "on S|PG" "off S|PG" "(d) S|PG" ""
for measurement in "${measurements[@]}"; do
    read -r body connections <<<"$measurement"
    if [ "$body" = batch.json ]; then
        path=/v1/streams/bench/events/batch; per=100; label="batches of 100, $connections conns"; base=$raw_batch
    else
        path=/v1/streams/bench/events; per=1; label="single events, $connections conns"; base=$raw_single
    fi
    runs=() lags=()
    for run in d off on on off d; do
        if [ "$run" = d ]; then
            start_baseline; target_port=$baseline_port counter=sequenced
        else
            start_server "$run"; target_port=$port counter=stored
        fi
        runs+=("$run $(http "$path" "$body" "$connections" "$per")")
        if [ "$run" = on ]; then memory=$(rss); lags+=("$(rollup_lag)"); fi
        stop_server
    done
    read -r off _ _ off_bad off_errors off_s off_pg <<<"$(average off)"
    read -r on on_p50 on_p99 on_bad on_errors on_s on_pg <<<"$(average on)"
    read -r d _ d_p99 d_bad d_errors d_s d_pg <<<"$(average d)"
    read -r behind caught_up <<<"$(printf '%s\n' "${lags[@]}" | awk '{b += $1; s += $2} END {printf "%.0f %.1f", b/NR, s/NR}')"
    lag_rows+=("$(printf '%-33s %12s %13s %10s' "$label" "$behind" "$(awk -v b="$behind" -v r="$on" -v s="$seconds" 'BEGIN {printf "%.1f", (r > 0 ? b/r : 0)}')" "$caught_up")")
    printf "$row" "(b) $label" "$off" "$on" "$on_p50" "$on_p99" "$d" "$d_p99" "$(ratio "$on" "$off")" "$(ratio "$on" "$d")" \
        "$(ratio "$on" "$base")" "$memory" "$on_s|$on_pg" "$off_s|$off_pg" "$d_s|$d_pg" \
        "$([ "$off_bad$off_errors$on_bad$on_errors$d_bad$d_errors" = 000000 ] || echo "  (non-2xx off/on/d: $off_bad/$on_bad/$d_bad, socket errors: $off_errors/$on_errors/$d_errors)")"
done
echo "(on/d: Sluice with limits on against the baseline service (d); vs a|c: against raw INSERT (a) for batches, (c) for"
echo " single events; S|PG: CPU per stored event (µs) of the server and of PostgreSQL, limits on, off, and for (d); p50/p99:"
echo " Sluice with limits on; the rollups share the machine unless SLUICE_ROLLUPS=false)"
echo
stored=$(psql -At "$db_url" -c "SELECT sum(next_offset) FROM stream_partitions p JOIN streams s ON s.id = p.stream_id WHERE s.name = 'bench'")
echo "Sluice stored $stored events in the run; every reply came after its commit."
echo
# How far the rollups (in the same process, limits on) were behind when each load stopped.
printf '%-33s %12s %13s %10s\n' "rollups when the load stopped" "events behind" "s of ingest" "caught up s"
printf '%s\n' "${lag_rows[@]}"
echo
# Single events at a steady rate (the latency goal's load): 64 connections, each pausing after an
# answer so that together they send BENCH_STEADY_RATE a second. A first 3 s run measures the mean
# latency, which the pause then leaves out (pause = 64 / rate − mean latency).
steady=${BENCH_STEADY_RATE:-0}
if [ "$steady" -gt 0 ]; then
    start_server on; target_port=$port counter=stored
    pace=$(awk -v r="$steady" 'BEGIN {printf "%d", 64000 / r}')
    first=$(PACE_MS=$pace BODY="$work/single.json" wrk -t2 -c64 -d3s -s "$work/post.lua" "http://127.0.0.1:$port/v1/streams/bench/events" | awk '/^RESULT/ {print $7}')
    pace=$(awk -v p="$pace" -v m="$first" 'BEGIN {d = p - m; printf "%d", (d < 1 ? 1 : d)}')
    before_s=$(ticks "$server"); stored_before=$(stored)
    read -r _ rps p50 p99 bad errors _ max <<<"$(PACE_MS=$pace BODY="$work/single.json" wrk -t2 -c64 -d"${seconds}s" --latency -s "$work/post.lua" "http://127.0.0.1:$port/v1/streams/bench/events" | awk '/^RESULT/')"
    server_us=$(per_event_us $(($(ticks "$server") - before_s)) $(($(stored) - stored_before)))
    stop_server
    printf '(e) single events at a steady %s/s, 64 connections (pause %s ms): %.0f events/s, p50 %s ms, p99 %s ms, max %s ms, server %s µs/event, non-2xx %s, socket errors %s\n' \
        "$steady" "$pace" "$rps" "$p50" "$p99" "$max" "$server_us" "$bad" "$errors"
    echo
fi
# The append statement in PostgreSQL alone: planning and execution, one event and a batch of 100.
scripts/append-plan.py "$db_url" "$tenant" "$stream"
