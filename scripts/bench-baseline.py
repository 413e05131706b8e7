"""The service a user might write instead of Sluice, as issue 19 describes it: FastAPI on
uvicorn, asyncpg, one multi-row INSERT ... SELECT FROM unnest(...) per request into the same
events table, answering after the commit; no authentication, validation, dedupe, limits,
schemas or rollups. scripts/bench.sh runs it beside Sluice as baseline (d):

    BENCH_TENANT=uuid BENCH_STREAM=uuid DATABASE_URL=postgres://... \
        .local/venv/bin/uvicorn --app-dir scripts bench-baseline:app --port 18081

(uvicorn takes the module name with the dash when given --app-dir; bench.sh loads it by path.)
The routes are Sluice's ingest paths, so that the same wrk script drives both.
"""

import json
import os
import uuid
from contextlib import asynccontextmanager
from datetime import datetime, timezone

import asyncpg
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

TENANT = uuid.UUID(os.environ["BENCH_TENANT"])
STREAM = uuid.UUID(os.environ["BENCH_STREAM"])
PARTITIONS = 4

INSERT = """
INSERT INTO events (tenant_id, stream_id, partition, "offset", id, type, source, key, occurred_at,
                    received_at, payload)
SELECT $1, $2, e.partition, nextval('bench_offsets'), e.id, e.type, e.source, e.key, e.occurred_at,
       now(), e.payload::jsonb
FROM unnest($3::smallint[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::timestamptz[], $9::text[])
     AS e(partition, id, type, source, key, occurred_at, payload)
RETURNING id, partition, "offset"
"""

pool: asyncpg.Pool | None = None


@asynccontextmanager
async def lifespan(_: FastAPI):
    global pool
    pool = await asyncpg.create_pool(os.environ["DATABASE_URL"], min_size=10, max_size=10)
    yield
    await pool.close()


app = FastAPI(lifespan=lifespan)


async def store(events: list[dict]) -> list[dict]:
    now = datetime.now(timezone.utc)
    ids = [uuid.uuid4() for _ in events]
    keys = [e.get("key") for e in events]
    partitions = [hash(k or str(i)) % PARTITIONS for i, k in zip(ids, keys)]
    async with pool.acquire() as connection:
        rows = await connection.fetch(
            INSERT, TENANT, STREAM, partitions, ids,
            [e["type"] for e in events], [e.get("source", "") for e in events], keys,
            [now for _ in events], [json.dumps(e.get("data")) for e in events],
        )
    return [{"id": str(r["id"]), "partition": r["partition"], "offset": r["offset"]} for r in rows]


@app.post("/v1/streams/bench/events")
async def single(request: Request) -> JSONResponse:
    stored = await store([await request.json()])
    return JSONResponse(stored[0], status_code=201)


@app.post("/v1/streams/bench/events/batch")
async def batch(request: Request) -> JSONResponse:
    body = await request.json()
    return JSONResponse({"results": await store(body["events"])}, status_code=200)


@app.get("/healthz")
async def healthz() -> dict:
    return {"status": "ok"}
