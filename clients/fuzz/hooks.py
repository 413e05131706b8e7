"""schemathesis hooks for scripts/fuzz.sh (loaded through SCHEMATHESIS_HOOKS).

The refusals Sluice makes by design although the document cannot say them in JSON Schema:
each is matched on the operation and the problem's `detail`, and only a
"schema-valid request rejected" (ST202) failure, or for revoked keys "deleted resource still
available" (ST301), is forgiven. README.md beside this file explains each; keep them in step.
"""
import re

import schemathesis

ANALYTICS = ["GET /v1/streams/{stream}/analytics/series", "GET /v1/streams/{stream}/analytics/distribution",
             "GET /v1/streams/{stream}/analytics/leaderboard", "GET /v1/streams/{stream}/analytics/entities/{kind}/{entityId}",
             "POST /v1/streams/{stream}/analytics/rebuild"]

# (failure code, operations, detail pattern, reason)
EXPECTED = [
    ("ST202", ANALYTICS, r"^from must come before to\.$", "A range's ends depend on each other."),
    ("ST202", ANALYTICS, r"^At most 366 days per query\.$", "A range's length depends on both ends."),
    ("ST202", ["POST /v1/streams/{stream}/analytics/rebuild"], r"^At most 31 days per rebuild", "A range's length depends on both ends."),
    ("ST202", ["POST /v1/streams/{stream}/sources", "PATCH /v1/streams/{stream}/sources/{source}"], r"^jitterSeconds is at most intervalSeconds\.$",
     "One member bounds another (on update, the stored one)."),
    ("ST202", ANALYTICS, r"^That is \d+ buckets; at most 10000 per query", "Bucket count: range and resolution together."),
    ("ST202", ["GET /v1/streams/{stream}/analytics/leaderboard"],
     r"^(Actors carry no metrics: rank them by events\.|engagementPerFollower ranks accounts\.)$", "`by` allowed depends on `kind`."),
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
    ("ST301", ["GET /v1/api-keys/{keyId}"], None, "DELETE revokes a key; a revoked key stays readable (revokedAt) for the audit trail."),
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
        if failure.code != code or label not in operations:
            continue
        if pattern is None or (detail is not None and re.search(pattern, detail)):
            return False
    return True
