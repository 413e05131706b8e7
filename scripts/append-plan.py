#!/usr/bin/env python3
"""The append statement's planning and execution time in PostgreSQL, as Sluice runs it.

Reads the statement from Sources/SluiceCore/EventStore/EventStore.swift (AppendStatement.sql,
so that what is timed is what runs), prepares it as the server does, and runs
EXPLAIN (ANALYZE) EXECUTE inside transactions that are rolled back, for one event and for a
batch of 100 over 4 partitions: the first five executions are planned for their values (custom plans), later
ones may reuse a generic plan. Prints the median planning and execution time of each.

    scripts/append-plan.py DATABASE_URL TENANT_ID STREAM_ID [RUNS]
"""
import json, pathlib, re, statistics, subprocess, sys, uuid

url, tenant, stream = sys.argv[1:4]
runs = int(sys.argv[4]) if len(sys.argv) > 4 else 20
source = (pathlib.Path(__file__).resolve().parent.parent / "Sources/SluiceCore/EventStore/EventStore.swift").read_text()
sql = re.search(r'static let sql = """\n(.*?)\n\s*"""', source, re.S).group(1)
types = "uuid, uuid, int2[], uuid[], bool[], text[], text[], bool[], text[], timestamptz[], int4[], text[], text[], text[], uuid[], text[]"
payload = json.dumps({"platform": "twitter", "kind": "post", "metrics": {"likes": 1, "comments": 2}})


def literal(values):
    return "'{" + ",".join('"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values) + "}'"


def execute(count):
    ids = [uuid.uuid4() for _ in range(count)]
    arrays = [[i % 4 for i in range(count)], ids, ["true"] * count, ["social.post.metrics"] * count, ["twitter"] * count, ["true"] * count,
              ["twitter:1"] * count, ["2026-12-01T00:00:00Z"] * count, [0] * count, [""] * count, [""] * count,
              [payload] * count, ["00000000-0000-0000-0000-000000000000"] * count, ["2026-12-01"] * count]
    arguments = ", ".join([f"'{tenant}'", f"'{stream}'"] + [literal(a) for a in arrays])
    return f"BEGIN;\nEXPLAIN (ANALYZE, SUMMARY, TIMING OFF, COSTS OFF) EXECUTE append({arguments});\nROLLBACK;\n"


for count in (1, 100):
    script = f"PREPARE append({types}) AS\n{sql};\n" + "".join(execute(count) for _ in range(runs))
    out = subprocess.run(["psql", "-q", "-X", url], input=script, capture_output=True, text=True, check=True).stdout
    planning = [float(x) for x in re.findall(r"Planning Time: ([\d.]+) ms", out)]
    execution = [float(x) for x in re.findall(r"Execution Time: ([\d.]+) ms", out)]
    if len(planning) != runs:
        sys.exit(f"expected {runs} plans, read {len(planning)}:\n{out[-2000:]}")
    print(f"append of {count:>3} event(s): planning {statistics.median(planning[:5]):.3f} ms (first five, custom plans), "
          f"{statistics.median(planning[5:]):.3f} ms after; execution {statistics.median(execution):.3f} ms (medians of {runs})")
