from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.create_pull_source_request_headers import CreatePullSourceRequestHeaders
    from ..models.create_pull_source_request_secret_headers import CreatePullSourceRequestSecretHeaders
    from ..models.pull_mapping import PullMapping


T = TypeVar("T", bound="CreatePullSourceRequest")


@_attrs_define
class CreatePullSourceRequest:
    """
    Attributes:
        name (str): A slug: lower-case letters, digits, ".", "_", "-".
        url (str): http(s) (a host name or IPv4 address, printable ASCII), with `{entity}` in its path or query where
            the entity's id goes (percent-encoded). Private addresses are refused unless the server allows them.
        mapping (PullMapping):
        entities (list[str] | Unset):
        headers (CreatePullSourceRequestHeaders | Unset): Sent with every request and shown on reads. Host, Content-
            Length, Transfer-Encoding, Connection, Upgrade, TE and Trailer (in any case) are the client's own and refused.
        secret_headers (CreatePullSourceRequestSecretHeaders | Unset): Sent with every request (e.g. `Authorization`),
            stored sealed (AES-256-GCM); reads show their names only. Host, Content-Length, Transfer-Encoding, Connection,
            Upgrade, TE and Trailer (in any case) are the client's own and refused.
        interval_seconds (int | Unset): Each entity is polled this often (default 300).
        jitter_seconds (int | Unset): Up to this much later, at random (at most the interval; default a tenth of it, at
            most 30).
        timeout_ms (int | Unset): Default 10,000.
        concurrency (int | Unset): Requests of the source in flight at once, across every worker (default 4).
        requests_per_minute (int | Unset): Requests started per minute at most, across every worker, paced evenly
            (default 60).
        retry_initial_seconds (int | Unset): A failed poll is retried this long after, doubling per failure, at most the
            interval (default 5).
    """

    name: str
    url: str
    mapping: PullMapping
    entities: list[str] | Unset = UNSET
    headers: CreatePullSourceRequestHeaders | Unset = UNSET
    secret_headers: CreatePullSourceRequestSecretHeaders | Unset = UNSET
    interval_seconds: int | Unset = UNSET
    jitter_seconds: int | Unset = UNSET
    timeout_ms: int | Unset = UNSET
    concurrency: int | Unset = UNSET
    requests_per_minute: int | Unset = UNSET
    retry_initial_seconds: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        url = self.url

        mapping = self.mapping.to_dict()

        entities: list[str] | Unset = UNSET
        if not isinstance(self.entities, Unset):
            entities = self.entities

        headers: dict[str, Any] | Unset = UNSET
        if not isinstance(self.headers, Unset):
            headers = self.headers.to_dict()

        secret_headers: dict[str, Any] | Unset = UNSET
        if not isinstance(self.secret_headers, Unset):
            secret_headers = self.secret_headers.to_dict()

        interval_seconds = self.interval_seconds

        jitter_seconds = self.jitter_seconds

        timeout_ms = self.timeout_ms

        concurrency = self.concurrency

        requests_per_minute = self.requests_per_minute

        retry_initial_seconds = self.retry_initial_seconds

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "url": url,
                "mapping": mapping,
            }
        )
        if entities is not UNSET:
            field_dict["entities"] = entities
        if headers is not UNSET:
            field_dict["headers"] = headers
        if secret_headers is not UNSET:
            field_dict["secretHeaders"] = secret_headers
        if interval_seconds is not UNSET:
            field_dict["intervalSeconds"] = interval_seconds
        if jitter_seconds is not UNSET:
            field_dict["jitterSeconds"] = jitter_seconds
        if timeout_ms is not UNSET:
            field_dict["timeoutMs"] = timeout_ms
        if concurrency is not UNSET:
            field_dict["concurrency"] = concurrency
        if requests_per_minute is not UNSET:
            field_dict["requestsPerMinute"] = requests_per_minute
        if retry_initial_seconds is not UNSET:
            field_dict["retryInitialSeconds"] = retry_initial_seconds

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.create_pull_source_request_headers import CreatePullSourceRequestHeaders  # noqa: PLC0415
        from ..models.create_pull_source_request_secret_headers import CreatePullSourceRequestSecretHeaders  # noqa: PLC0415
        from ..models.pull_mapping import PullMapping  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name")

        url = d.pop("url")

        mapping = PullMapping.from_dict(d.pop("mapping"))

        entities = cast(list[str], d.pop("entities", UNSET))

        _headers = d.pop("headers", UNSET)
        headers: CreatePullSourceRequestHeaders | Unset
        if isinstance(_headers, Unset):
            headers = UNSET
        else:
            headers = CreatePullSourceRequestHeaders.from_dict(_headers)

        _secret_headers = d.pop("secretHeaders", UNSET)
        secret_headers: CreatePullSourceRequestSecretHeaders | Unset
        if isinstance(_secret_headers, Unset):
            secret_headers = UNSET
        else:
            secret_headers = CreatePullSourceRequestSecretHeaders.from_dict(_secret_headers)

        interval_seconds = d.pop("intervalSeconds", UNSET)

        jitter_seconds = d.pop("jitterSeconds", UNSET)

        timeout_ms = d.pop("timeoutMs", UNSET)

        concurrency = d.pop("concurrency", UNSET)

        requests_per_minute = d.pop("requestsPerMinute", UNSET)

        retry_initial_seconds = d.pop("retryInitialSeconds", UNSET)

        create_pull_source_request = cls(
            name=name,
            url=url,
            mapping=mapping,
            entities=entities,
            headers=headers,
            secret_headers=secret_headers,
            interval_seconds=interval_seconds,
            jitter_seconds=jitter_seconds,
            timeout_ms=timeout_ms,
            concurrency=concurrency,
            requests_per_minute=requests_per_minute,
            retry_initial_seconds=retry_initial_seconds,
        )

        return create_pull_source_request
