"""schemathesis hooks for scripts/fuzz.sh (loaded through SCHEMATHESIS_HOOKS).

The refusals Sluice makes by design although the document cannot say them in JSON Schema:
each is matched on its failure code, the operation and the problem's `detail` ("schema-valid
request rejected", ST202; for revoked keys "deleted resource still available", ST301; 404s
that schemathesis mistakes for "created resource not found", ST302; and a batch's per-event
rejections, ST201). README.md beside this file explains each; keep them in step.
"""
import datetime
import json
import os
import re
import urllib.parse
import urllib.request

import schemathesis

BASE_URL = os.environ.get("SLUICE_BASE_URL", "")

ANALYTICS = ["GET /v1/streams/{stream}/analytics/series", "GET /v1/streams/{stream}/analytics/distribution",
             "GET /v1/streams/{stream}/analytics/leaderboard", "GET /v1/streams/{stream}/analytics/entities/{kind}/{entityId}",
             "POST /v1/streams/{stream}/analytics/rebuild"]

def _rejected_per_event(response):
    try:
        body = response.json()
    except Exception:
        return False
    return response.status_code == 200 and isinstance(body, dict) and isinstance(body.get("rejected"), int) and body["rejected"] > 0


def _asked_for_deleted(response):
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(response.request.url or "").query)
    return response.status_code == 200 and [value.lower() for value in query.get("includeDeleted", [])] == ["true"]


# (failure code, operations (None: all), detail pattern or a predicate on the response, reason)
EXPECTED = [
    ("ST202", ANALYTICS, r"^from must come before to\.$", "A range's ends depend on each other."),
    ("ST202", ANALYTICS, r"^At most 366 days per query\.$", "A range's length depends on both ends."),
    ("ST202", ["GET /v1/streams/{stream}/partitions/{partition}/events/{offset}"], r"^The parameter 'offset' expected integer",
     "An inferred link (not the document's) puts an event's id where its offset goes; the id is not an offset."),
    ("ST202", ["GET /v1/streams/{stream}/consumer-groups/{group}/lag-history"],
     r"^(since is before until|since and until are at most seven days apart)\.$", "A window's ends depend on each other (and on now)."),
    ("ST202", ["POST /v1/streams/{stream}/analytics/rebuild"], r"^At most 31 days per rebuild", "A range's length depends on both ends."),
    ("ST202", ["POST /v1/streams/{stream}/sources", "PATCH /v1/streams/{stream}/sources/{source}"], r"^jitterSeconds is at most intervalSeconds\.$",
     "One member bounds another (on update, the stored one)."),
    ("ST202", ANALYTICS, r"^That is \d+ buckets; at most 10000 per query", "Bucket count: range and resolution together."),
    ("ST202", ["GET /v1/streams/{stream}/analytics/leaderboard"],
     r"^(Actors carry no metrics: rank them by events\.|engagementPerFollower ranks accounts\.)$", "`by` allowed depends on `kind`."),
    ("ST202", ["GET /v1/streams/{stream}/analytics/distribution"], r"^by is type, platform or one of the stream's dimensions",
     "The stream's own dimensions (its stored configuration) are the other values `by` takes."),
    ("ST202", ["POST /v1/api-keys"], r"^The expiry must be in the future\.$", "Depends on the clock."),
    ("ST202", ["POST /v1/streams/{stream}/consumer-groups", "POST /v1/streams/{stream}/subscriptions"],
     r"^The start time lies more than a day ahead\.$", "Depends on the clock."),
    ("ST202", ["PUT /v1/api-keys/{keyId}/rate-limits"], r"^The (burst|rate) must be .* plan's", "The tenant's plan (operator configuration) bounds a key's limits."),
    ("ST202", ["PATCH /v1/streams/{stream}/subscriptions/{subscription}"], r"^More than one attempt needs a retry schedule\.$",
     "Depends on the subscription's stored schedule (the create request's rule is in the document)."),
    ("ST202", ["POST /v1/streams/{stream}/schemas/{eventType}/versions", "POST /v1/streams/{stream}/schemas/{eventType}/compatibility"],
     r"^The schema is not usable: ", "`schema` must be a valid JSON Schema 2020-12: the document cannot restate the meta-schema."),
    ("ST202", ["POST /v1/streams/{stream}/platforms/{platform}"], None,
     "A platform payload's shape depends on the {platform} path parameter (the document has any JSON object)."),
    ("ST202", ["POST /v1/streams/{stream}/events", "POST /v1/streams/{stream}/events/batch"], r"^The body is not valid gzip data\.$",
     "With Content-Encoding: gzip the body must be gzip; the document cannot describe compressed bytes."),
    ("ST202", ["POST /v1/streams/{stream}/events", "POST /v1/streams/{stream}/events/batch"], r"^Extension attributes are strings, numbers or booleans\.$",
     "CloudEvents extension attributes are primitives; the document's generators cannot type the extra members of CloudEvent."),
    ("ST202", ["POST /v1/streams/{stream}/events"], r"(schema|quarantine)",
     "In enforce mode an event's data must match the schema registered for its type: the stream's stored mode and schemas decide (422, kept in quarantine)."),
    ("ST202", ["PATCH /v1/streams/{stream}"], r"^Partitions may grow but never shrink", "Depends on the stream's stored partition count."),
    ("ST202", ["POST /v1/streams/{stream}/consumer-groups/{group}/offsets/reset"], r"^The stream has no partition \d+; it has 0 to \d+\.$",
     "The partitions named must exist: the stream's stored partition count decides."),
    # A batch is answered per event: an event the document refuses is `rejected` in its result
    # (with the pointer and reason) while the others are stored, so the request is a 200.
    ("ST201", ["POST /v1/streams/{stream}/events/batch"], _rejected_per_event,
     "A batch is taken per event: a malformed event is rejected in its own result, the valid ones are stored."),
    # "Created resource not found" is schemathesis's guess that a 404 after a create is about
    # what was created; these 404s name another resource the request refers to.
    ("ST302", ["POST /v1/streams/{stream}/sources/{source}/poll"], r"^Entity '.*' of source '.*' was not found\.$",
     "The 404 is the body's entity, which the source does not have."),
    ("ST302", ["POST /v1/streams/{stream}/subscriptions"], r"^Consumer group '.*' was not found\.$",
     "The 404 is the body's consumerGroup, which the stream does not have."),
    ("ST302", ["DELETE /v1/streams/{stream}/instagram-webhook"], r"^The stream's Instagram webhook was not found\.$",
     "The 404 is the stream's webhook, which was never configured."),
    ("ST301", ["GET /v1/api-keys/{keyId}"], None, "DELETE revokes a key; a revoked key stays readable (revokedAt) for the audit trail."),
    ("ST301", ["GET /v1/streams/{stream}/schemas/{eventType}/versions/{version}"], _asked_for_deleted,
     "A soft-deleted schema version is 404, but answered (deleted: true) when the request asks with includeDeleted=true."),
    # Any operation that pages: the pattern says a cursor's shape, not whether the API made it.
    ("ST202", None, r"^The cursor is not one this API gave out\.$",
     "Cursors are opaque: only those the API gave out (times within years 1 to 9999) are taken."),
]


def _detail(response):
    try:
        body = response.json()
    except Exception:
        return None
    return body.get("detail") if isinstance(body, dict) else None


@schemathesis.hook
def filter_failure(ctx, failure, case, response):
    label = case.operation.label
    detail = _detail(response) if response is not None else None
    for code, operations, pattern, _reason in EXPECTED:
        if failure.code != code or (operations is not None and label not in operations):
            continue
        if callable(pattern):
            if response is not None and pattern(response):
                return False
        elif pattern is None or (detail is not None and re.search(pattern, detail, re.DOTALL)):
            return False
    return True


# As the owner: access tokens live 30 s on the contract server, so the owner signs in again
# before each one expires (a JWT held for the whole run would turn it into 401s).
if os.environ.get("SLUICE_FUZZ_EMAIL"):

    @schemathesis.auth(refresh_interval=20)
    class OwnerLogin:
        def get(self, case, ctx):
            body = json.dumps({"email": os.environ["SLUICE_FUZZ_EMAIL"], "password": os.environ["SLUICE_FUZZ_PASSWORD"]}).encode()
            request = urllib.request.Request(BASE_URL + "/v1/auth/login", data=body, headers={"content-type": "application/json"})
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.load(response)["accessToken"]

        def set(self, case, data, ctx):
            case.headers = case.headers or {}
            case.headers["Authorization"] = f"Bearer {data}"


# As the admin key: it may change any key's limits or revoke any key but its own, which would
# blind the rest of the run (every answer a 429 or a 401).
OWN_KEY = os.environ.get("SLUICE_FUZZ_OWN_KEY_ID")


@schemathesis.hook
def filter_path_parameters(ctx, path_parameters):
    return not OWN_KEY or str((path_parameters or {}).get("keyId", "")).lower() != OWN_KEY.lower()


# Generation kept within the rules the document cannot state, so that the fuzzer spends its
# time inside them rather than on the expected refusals above (which stay forgiven when it
# does not).
def _time(value):
    try:
        return datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None


def _within(values, days):
    """`from` before `to`, at most `days` apart; one given alone gets the other beside it."""
    start, end = _time(values.get("from")), _time(values.get("to"))
    if (start is not None and start.tzinfo is None) or (end is not None and end.tzinfo is None):
        return values
    values = dict(values)
    if start is not None and (end is None or not (start < end <= start + datetime.timedelta(days=days))):
        values["to"] = (start + datetime.timedelta(hours=6)).isoformat()
    elif start is None and end is not None and "from" not in values:
        values["from"] = (end - datetime.timedelta(hours=6)).isoformat()
    return values


@schemathesis.hook
def map_query(ctx, query):
    if ctx.operation is not None and ctx.operation.label == "GET /v1/streams/{stream}/events/tail":
        # The tail stays open for `seconds` (default 600): a second is enough to try it.
        return {**(query or {}), "seconds": 1}
    if query and ctx.operation is not None and ctx.operation.label in ANALYTICS:
        return _within(query, 7)
    return query


@schemathesis.hook
def map_body(ctx, body):
    if not isinstance(body, dict) or ctx.operation is None:
        return body
    label = ctx.operation.label
    if label == "POST /v1/streams/{stream}/analytics/rebuild":
        return _within(body, 7)
    if label == "POST /v1/api-keys" and "expiresAt" in body:
        expires = _time(body["expiresAt"])
        if expires is not None and expires.tzinfo is not None and expires <= datetime.datetime.now(datetime.timezone.utc):
            body = dict(body)
            body["expiresAt"] = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)).isoformat()
    return body
