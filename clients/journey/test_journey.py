"""A new user's journey through Sluice with the generated Python client only (clients/python):
an owner signs up, makes a stream and keys; a producer sends events one at a time, in
batches and as CloudEvents; a consumer reads by offset and by time, and through a consumer
group; the owner registers and enforces a schema, finds the refused event in quarantine and
replays it, subscribes a webhook, reads the analytics and the live feed, the audit log and
the usage. The tests run in order and share one tenant.
"""
import base64
import datetime
import json
import time
import uuid

import pytest

from sluice_client import AuthenticatedClient, Client
from sluice_client.api.analytics import (
    get_analytics_distribution, get_analytics_leaderboard, get_analytics_live, get_analytics_series,
    get_analytics_status, get_entity_activity,
)
from sluice_client.api.api_keys import create_api_key, get_api_key, list_api_keys, revoke_api_key, set_api_key_rate_limits
from sluice_client.api.audit import list_audit_log, verify_audit_log
from sluice_client.api.auth import login, logout, refresh_token, signup
from sluice_client.api.consumer_groups import (
    commit_consumer_group, create_consumer_group, delete_consumer_group, describe_consumer_group,
    fetch_consumer_group, join_consumer_group, leave_consumer_group, reset_consumer_group_offsets,
)
from sluice_client.api.events import browse_events, ingest_batch, ingest_event, read_partition
from sluice_client.api.health import get_health, get_readiness
from sluice_client.api.quarantine import list_quarantine, replay_quarantined
from sluice_client.api.schemas import get_schema_version, list_schema_versions, register_schema, test_schema_compatibility
from sluice_client.api.streams import create_stream, get_stream, list_streams, update_stream
from sluice_client.api.subscriptions import (
    create_subscription, describe_subscription, get_subscription_secret, list_failures, pause_subscription,
    resume_subscription,
)
from sluice_client.api.tenant import get_me
from sluice_client.api.usage import get_usage
from sluice_client.models import (
    AnalyticsTick, ApiKeyRateLimitsRequest, ApiKeyScope, CloudEvent, CloudEventSpecversion, CommitRequest,
    CommitRequestOffsetsItem, CompatibilityTestInput, CreateApiKeyRequest, CreateConsumerGroupRequest,
    CreateConsumerGroupRequestStart, CreateStreamRequest, CreateSubscriptionRequest, EventBatchInput, EventInput,
    FetchRequest, GetAnalyticsLeaderboardEntity, GetAnalyticsSeriesResolution, GetEntityActivityKind,
    GetEntityActivityResolution, IngestResultStatus, JoinConsumerGroupRequest, LoginRequest, RateLimitSetting,
    RefreshRequest, ResetOffsetsRequest, ResetOffsetsRequestTo, SchemaInput, SchemaMode, SignupRequest,
    UpdateStreamRequest,
)
from sluice_client.types import Unset

STREAM = "journey"
PASSWORD = "journey-password-1"
DAY = datetime.datetime(2026, 11, 2, tzinfo=datetime.timezone.utc)


def ok(response, status=200):
    """The parsed body of a response that must have this status."""
    assert response.status_code == status, f"{response.status_code}: {response.content[:500]!r}"
    return response.parsed


def eventually(check, seconds=20.0):
    """What `check` answers once it is truthy; fails after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, "not within the time allowed"
        time.sleep(0.2)


class Session:
    """What a client application keeps: the tokens, refreshed through the API when the access
    token has expired (a 401), as a user of the generated client would write it."""

    def __init__(self, base_url, tokens):
        self.base_url = base_url
        self.tokens = tokens

    @property
    def client(self):
        return AuthenticatedClient(base_url=self.base_url, token=self.tokens.access_token)

    def call(self, function, *args, **kwargs):
        response = function.sync_detailed(*args, client=self.client, **kwargs)
        if response.status_code == 401:
            self.refresh()
            response = function.sync_detailed(*args, client=self.client, **kwargs)
        return response

    def refresh(self):
        # Sent with the expired access token still attached: refresh needs no credentials
        # and must not look at them.
        self.tokens = ok(refresh_token.sync_detailed(client=self.client, body=RefreshRequest(refresh_token=self.tokens.refresh_token)))


@pytest.fixture(scope="module")
def state():
    return {}


def test_probes(base_url):
    anonymous = Client(base_url=base_url)
    assert ok(get_health.sync_detailed(client=anonymous)).status == "ok"
    # A stale credential on an open endpoint is ignored.
    stale = AuthenticatedClient(base_url=base_url, token="not-a-token")
    assert get_readiness.sync_detailed(client=stale).status_code == 200


def test_signup_and_login(base_url, state):
    email = f"owner-{uuid.uuid4().hex[:10]}@journey.example"
    anonymous = Client(base_url=base_url)
    created = ok(signup.sync_detailed(client=anonymous, body=SignupRequest(email=email, password=PASSWORD, tenant_name="Journey Inc")), 201)
    assert created.tenant.name == "Journey Inc"
    tokens = ok(login.sync_detailed(client=anonymous, body=LoginRequest(email=email, password=PASSWORD)))
    session = Session(base_url, tokens)
    assert ok(get_me.sync_detailed(client=session.client)).role.value == "owner"
    # Logging out a spare session, with a stale token attached, revokes its refresh token.
    spare = ok(login.sync_detailed(client=anonymous, body=LoginRequest(email=email, password=PASSWORD)))
    stale = AuthenticatedClient(base_url=base_url, token="expired.or.bogus")
    assert logout.sync_detailed(client=stale, body=RefreshRequest(refresh_token=spare.refresh_token)).status_code == 204
    assert refresh_token.sync_detailed(client=anonymous, body=RefreshRequest(refresh_token=spare.refresh_token)).status_code == 401
    # A session kept aside until its access token expires (the last test).
    aside = ok(login.sync_detailed(client=anonymous, body=LoginRequest(email=email, password=PASSWORD)))
    state.update(session=session, email=email, tenant=created.tenant.id, aside=(aside, time.monotonic()))


def test_streams(state):
    session = state["session"]
    stream = ok(session.call(create_stream, body=CreateStreamRequest(name=STREAM, partitions=2, description="the journey")), 201)
    assert stream.partitions == 2
    assert STREAM in [s.name for s in ok(session.call(list_streams)).items]
    updated = ok(session.call(update_stream, STREAM, body=UpdateStreamRequest(description="the journey, updated")))
    assert updated.description == "the journey, updated"
    assert ok(session.call(get_stream, STREAM)).description == "the journey, updated"


def test_api_keys(base_url, state):
    session = state["session"]
    producer = ok(session.call(create_api_key, body=CreateApiKeyRequest(
        name="producer", scopes=[ApiKeyScope.EVENTS_WRITE], streams=[STREAM])), 201)
    consumer = ok(session.call(create_api_key, body=CreateApiKeyRequest(name="consumer", scopes=[ApiKeyScope.EVENTS_READ])), 201)
    spare = ok(session.call(create_api_key, body=CreateApiKeyRequest(name="spare", scopes=[ApiKeyScope.EVENTS_READ])), 201)
    assert producer.secret.startswith("sk_")
    names = {k.name for k in ok(session.call(list_api_keys)).items}
    assert {"producer", "consumer", "spare"} <= names
    limited = ok(session.call(set_api_key_rate_limits, str(consumer.id), body=ApiKeyRateLimitsRequest(
        requests=RateLimitSetting(per_second=50, burst=100))))
    assert limited.rate_limits.requests.burst == 100
    assert session.call(revoke_api_key, str(spare.id)).status_code == 204
    assert not isinstance(ok(session.call(get_api_key, str(spare.id))).revoked_at, Unset)
    assert get_me.sync_detailed(client=AuthenticatedClient(base_url=base_url, token=spare.secret)).status_code == 401
    state.update(
        producer=AuthenticatedClient(base_url=base_url, token=producer.secret),
        consumer=AuthenticatedClient(base_url=base_url, token=consumer.secret),
    )


def test_send_events(state):
    producer = state["producer"]
    # Python sends microseconds; browsing by time must keep every one of them apart.
    one = ok(ingest_event.sync_detailed(STREAM, client=producer, body=EventInput(
        type_="post.liked", key="acct-1", data={"likes": 1}, occurred_at=DAY + datetime.timedelta(microseconds=123_457))), 201)
    assert one.status == IngestResultStatus.STORED
    events = [
        EventInput(type_="post.viewed", key=f"acct-{i % 5}", data={"n": i},
                   occurred_at=DAY + datetime.timedelta(seconds=i // 3, microseconds=(i * 7919) % 1_000_000))
        for i in range(60)
    ]
    batch = ok(ingest_batch.sync_detailed(STREAM, client=producer, body=EventBatchInput(events=events)))
    assert (batch.stored, batch.rejected) == (60, 0)
    # CloudEvents: one, and a batch; an extension attribute is kept.
    single = CloudEvent(specversion=CloudEventSpecversion.V1_0, id="ce-1", source="https://journey.example", type_="post.shared",
                        time=DAY + datetime.timedelta(minutes=1), data={"shares": 2})
    single.additional_properties["traceparent"] = "00-abc-def-01"
    assert ok(ingest_event.sync_detailed(STREAM, client=producer, body=single), 201).status == IngestResultStatus.STORED
    cloud = [CloudEvent(specversion=CloudEventSpecversion.V1_0, id=f"ce-b{i}", source="https://journey.example", type_="post.shared",
                        time=DAY + datetime.timedelta(minutes=2, seconds=i), data={"shares": i}) for i in range(5)]
    cloud_batch = ok(ingest_batch.sync_detailed(STREAM, client=producer, body=cloud))
    assert cloud_batch.stored == 5
    # The same batch again: duplicates, stored once.
    assert ok(ingest_batch.sync_detailed(STREAM, client=producer, body=cloud)).duplicates == 5
    state["sent"] = 1 + 60 + 1 + 5


def test_read_by_offset_and_by_time(state):
    consumer = state["consumer"]
    by_offset = []
    for partition in (0, 1):
        offset = 0
        while True:
            page = ok(read_partition.sync_detailed(STREAM, partition, client=consumer, from_offset=offset, limit=10))
            by_offset += page.items
            if page.next_offset >= page.end_offset:
                break
            offset = page.next_offset
    assert len(by_offset) == state["sent"]
    seen, cursor, pages = [], None, 0
    while True:
        page = ok(browse_events.sync_detailed(STREAM, client=consumer, limit=7, **({"cursor": cursor} if cursor else {})))
        seen += [event.id for event in page.items]
        pages += 1
        if isinstance(page.next_cursor, Unset):
            break
        cursor = page.next_cursor
    assert pages >= 9
    assert len(seen) == len(set(seen)) == state["sent"], "the cursor repeated or skipped events"
    # A time range, with an offset in it (sent as %2B).
    window = ok(browse_events.sync_detailed(
        STREAM, client=consumer, from_=(DAY + datetime.timedelta(seconds=5)).astimezone(datetime.timezone(datetime.timedelta(hours=2))),
        to=DAY + datetime.timedelta(seconds=10), limit=100))
    assert window.items and all(DAY + datetime.timedelta(seconds=5) <= e.occurred_at < DAY + datetime.timedelta(seconds=10) for e in window.items)


def test_consumer_group(state):
    session, consumer = state["session"], state["consumer"]
    ok(session.call(create_consumer_group, STREAM, body=CreateConsumerGroupRequest(name="readers", start=CreateConsumerGroupRequestStart.EARLIEST)), 201)
    membership = ok(join_consumer_group.sync_detailed(STREAM, "readers", "m1", client=consumer, body=JoinConsumerGroupRequest(session_timeout_ms=30_000)))
    assert sorted(membership.partitions) == [0, 1]
    ok(join_consumer_group.sync_detailed(STREAM, "readers", "m1", client=consumer))  # a heartbeat, no body
    consumed = 0
    while True:
        fetched = ok(fetch_consumer_group.sync_detailed(STREAM, "readers", client=consumer, body=FetchRequest(member_id="m1", max_events=25, wait_ms=200)))
        if not fetched.events:
            break
        consumed += len(fetched.events)
        last = {}
        for event in fetched.events:
            last[event.partition] = max(last.get(event.partition, -1), event.offset)
        assert commit_consumer_group.sync_detailed(STREAM, "readers", client=consumer, body=CommitRequest(
            member_id="m1", offsets=[CommitRequestOffsetsItem(partition=p, offset=o + 1) for p, o in last.items()])).status_code == 204
    assert consumed == state["sent"]
    assert eventually(lambda: ok(describe_consumer_group.sync_detailed(STREAM, "readers", client=consumer)).lag == 0)
    # A long poll answers as soon as an event arrives.
    started = time.monotonic()
    ok(ingest_event.sync_detailed(STREAM, client=state["producer"], body=EventInput(type_="post.liked", key="acct-1", data={"likes": 2})), 201)
    state["sent"] += 1
    waited = ok(fetch_consumer_group.sync_detailed(STREAM, "readers", client=consumer, body=FetchRequest(member_id="m1", wait_ms=10_000)))
    assert len(waited.events) == 1 and time.monotonic() - started < 9
    assert leave_consumer_group.sync_detailed(STREAM, "readers", "m1", client=consumer).status_code == 204
    plan = ok(session.call(reset_consumer_group_offsets, STREAM, "readers", body=ResetOffsetsRequest(to=ResetOffsetsRequestTo.EARLIEST, dry_run=True)))
    assert plan.applied is False and sum(m.from_ - m.to for m in plan.moves) == state["sent"] - 1
    assert ok(describe_consumer_group.sync_detailed(STREAM, "readers", client=consumer)).lag == 1, "a dry run moves nothing"
    assert ok(session.call(reset_consumer_group_offsets, STREAM, "readers", body=ResetOffsetsRequest(to=ResetOffsetsRequestTo.EARLIEST))).applied
    assert ok(describe_consumer_group.sync_detailed(STREAM, "readers", client=consumer)).lag == state["sent"]
    assert session.call(delete_consumer_group, STREAM, "readers").status_code == 204


def test_schemas_quarantine_and_replay(state):
    session, producer = state["session"], state["producer"]
    schema = {"type": "object", "required": ["likes"], "properties": {"likes": {"type": "integer", "minimum": 0}}}
    version = ok(session.call(register_schema, STREAM, "post.liked", body=SchemaInput(schema=schema)), 201)
    assert version.version == 1
    report = ok(session.call(test_schema_compatibility, STREAM, "post.liked", body=CompatibilityTestInput(
        schema={"type": "object", "required": ["likes", "author"], "properties": {"likes": {"type": "integer"}, "author": {"type": "string"}}})))
    assert report.compatible is False and report.errors
    assert [v.version for v in ok(session.call(list_schema_versions, STREAM, "post.liked")).items] == [1]
    assert ok(session.call(get_schema_version, STREAM, "post.liked", 1)).schema == schema
    ok(session.call(update_stream, STREAM, body=UpdateStreamRequest(schema_mode=SchemaMode.ENFORCE)))
    refused = ok(ingest_event.sync_detailed(STREAM, client=producer, body=EventInput(type_="post.liked", key="acct-2", data={"likes": -3})), 422)
    assert refused.type_.endswith("/event-rejected") and not isinstance(refused.quarantine_id, Unset)
    assert refused.errors[0].pointer == "/data/likes"
    held = ok(session.call(list_quarantine, STREAM)).items
    assert [q.id for q in held] == [refused.quarantine_id]
    assert held[0].errors[0].pointer == "/data/likes"
    failures = ok(session.call(list_failures, STREAM)).items
    assert any(f.event_id == held[0].event_id for f in failures)
    # The schema was too strict: relax the stream, replay the event from quarantine.
    ok(session.call(update_stream, STREAM, body=UpdateStreamRequest(schema_mode=SchemaMode.WARN)))
    replayed = ok(session.call(replay_quarantined, STREAM, str(refused.quarantine_id)))
    assert replayed.status == IngestResultStatus.STORED
    state["sent"] += 1


def test_webhook_subscription(state, receiver):
    session, producer = state["session"], state["producer"]
    created = ok(session.call(create_subscription, STREAM, body=CreateSubscriptionRequest(
        name="hook", url=receiver.url, event_types=["order.paid"], retry_schedule=[1, 1], max_attempts=3)), 201)
    receiver.control(secrets=[created.secret])
    assert ok(session.call(get_subscription_secret, STREAM, "hook")).secret == created.secret
    sent = [ok(ingest_event.sync_detailed(STREAM, client=producer, body=EventInput(
        type_="order.paid", key=f"order-{i}", data={"amount": i})), 201).id for i in range(3)]
    state["sent"] += 3
    delivered = eventually(lambda: [r for r in receiver.received() if r.get("status") == 204 or r.get("verified")] if len(
        {r["id"] for r in receiver.received() if r.get("verified")}) >= 3 else None, seconds=30)
    assert {str(i) for i in sent} <= {r["body"]["id"] for r in delivered}
    assert all(r["verified"] for r in receiver.received()), "every request carried a valid Standard Webhooks signature"
    assert ok(session.call(pause_subscription, STREAM, "hook")).state.value == "paused"
    assert ok(session.call(resume_subscription, STREAM, "hook")).state.value == "active"
    assert ok(session.call(describe_subscription, STREAM, "hook")).name == "hook"


def social(base, i, account, likes):
    return EventInput(type_="social.post.metrics", key=f"twitter:{account}", occurred_at=base + datetime.timedelta(minutes=i * 2),
                      data={"platform": "twitter", "account": {"id": account, "handle": f"@{account}"}, "content": {"id": f"p{i}"},
                            "metrics": {"likes": likes, "comments": 1, "shares": 0, "views": 100}})


def test_analytics(state):
    session, producer, consumer = state["session"], state["producer"], state["consumer"]
    # Recent events: ones more than the stream's allowed lateness (an hour) behind its latest
    # event time would not be rolled up.
    now = datetime.datetime.now(datetime.timezone.utc)
    base = now - datetime.timedelta(minutes=30)
    posts = [social(base, i, "alice" if i % 3 else "bob", likes=i) for i in range(12)]
    assert ok(ingest_batch.sync_detailed(STREAM, client=producer, body=EventBatchInput(events=posts))).stored == 12
    state["sent"] += 12
    start = (now - datetime.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    end = start + datetime.timedelta(days=3)

    def rolled_up():
        status = ok(get_analytics_status.sync_detailed(STREAM, client=consumer))
        return sum(status.lag) == 0
    eventually(rolled_up, seconds=30)
    series = ok(get_analytics_series.sync_detailed(STREAM, client=consumer, metric="events", resolution=GetAnalyticsSeriesResolution.HOUR,
                                                   from_=start, to=end, event_type="social.post.metrics"))
    assert sum(b.value for b in series.buckets if not isinstance(b.value, Unset)) == 12
    by_type = ok(get_analytics_distribution.sync_detailed(STREAM, client=consumer, by="type", from_=start, to=end))
    assert any(item.value == "social.post.metrics" and item.events == 12 for item in by_type.items)
    board = ok(get_analytics_leaderboard.sync_detailed(STREAM, client=consumer, entity=GetAnalyticsLeaderboardEntity.ACCOUNT,
                                                       by="events", from_=start, to=end))
    assert [item.entity for item in board.items][:2] == ["alice", "bob"]
    activity = ok(get_entity_activity.sync_detailed(STREAM, GetEntityActivityKind.ACCOUNT, "alice", client=consumer,
                                                    resolution=GetEntityActivityResolution.DAY, from_=start, to=end))
    assert activity.handle == "@alice" and activity.buckets
    # The live feed: two ticks, each an AnalyticsTick in an SSE event.
    text = ok(get_analytics_live.sync_detailed(STREAM, client=consumer, ticks=2))
    ticks = [AnalyticsTick.from_dict(json.loads(line[len("data: "):])) for line in text.splitlines() if line.startswith("data: ")]
    assert len(ticks) == 2 and ticks[-1].stored == state["sent"]


def test_audit_and_usage(state):
    session = state["session"]
    actions, cursor = [], None
    while True:
        page = ok(session.call(list_audit_log, limit=5, **({"cursor": cursor} if cursor else {})))
        actions += [entry.action for entry in page.items]
        if isinstance(page.next_cursor, Unset):
            break
        cursor = page.next_cursor
    assert {"tenant.created", "auth.login", "auth.logout", "stream.created", "apikey.created", "apikey.revoked", "schema.registered"} <= set(actions), actions
    verification = ok(session.call(verify_audit_log))
    assert verification.valid and verification.checked == len(actions)
    usage = ok(session.call(get_usage, months=1))
    assert usage.periods[0].events >= state["sent"] - 1


def test_refresh_after_the_access_token_expired(base_url, access_token_ttl, state):
    tokens, issued = state["aside"]
    time.sleep(max(0.0, issued + access_token_ttl + 1.5 - time.monotonic()))
    session = Session(base_url, tokens)
    assert get_me.sync_detailed(client=session.client).status_code == 401, "the access token should have expired"
    session.refresh()  # with the expired token attached
    assert ok(get_me.sync_detailed(client=session.client)).tenant.id == state["tenant"]
