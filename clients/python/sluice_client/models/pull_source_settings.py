from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.pull_mapping import PullMapping
    from ..models.pull_source_settings_headers import PullSourceSettingsHeaders
    from ..models.pull_source_settings_secret_headers import PullSourceSettingsSecretHeaders


T = TypeVar("T", bound="PullSourceSettings")


@_attrs_define
class PullSourceSettings:
    """
    Attributes:
        url (str | Unset): http(s) (a host name or IPv4 address, printable ASCII), with `{entity}` in its path or query
            where the entity's id goes (percent-encoded). Private addresses are refused unless the server allows them.
        headers (PullSourceSettingsHeaders | Unset): Sent with every request and shown on reads. Host, Content-Length,
            Transfer-Encoding, Connection, Upgrade, TE and Trailer (in any case) are the client's own and refused.
        secret_headers (PullSourceSettingsSecretHeaders | Unset): Sent with every request (e.g. `Authorization`), stored
            sealed (AES-256-GCM); reads show their names only. Host, Content-Length, Transfer-Encoding, Connection, Upgrade,
            TE and Trailer (in any case) are the client's own and refused.
        interval_seconds (int | Unset): Each entity is polled this often (default 300).
        jitter_seconds (int | Unset): Up to this much later, at random (at most the interval; default a tenth of it, at
            most 30).
        timeout_ms (int | Unset): Default 10,000.
        concurrency (int | Unset): Requests of the source in flight at once, across every worker (default 4).
        requests_per_minute (int | Unset): Requests started per minute at most, across every worker, paced evenly
            (default 60).
        retry_initial_seconds (int | Unset): A failed poll is retried this long after, doubling per failure, at most the
            interval (default 5).
        mapping (PullMapping | Unset):
    """

    url: str | Unset = UNSET
    headers: PullSourceSettingsHeaders | Unset = UNSET
    secret_headers: PullSourceSettingsSecretHeaders | Unset = UNSET
    interval_seconds: int | Unset = UNSET
    jitter_seconds: int | Unset = UNSET
    timeout_ms: int | Unset = UNSET
    concurrency: int | Unset = UNSET
    requests_per_minute: int | Unset = UNSET
    retry_initial_seconds: int | Unset = UNSET
    mapping: PullMapping | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        url = self.url

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

        mapping: dict[str, Any] | Unset = UNSET
        if not isinstance(self.mapping, Unset):
            mapping = self.mapping.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if url is not UNSET:
            field_dict["url"] = url
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
        if mapping is not UNSET:
            field_dict["mapping"] = mapping

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.pull_mapping import PullMapping  # noqa: PLC0415
        from ..models.pull_source_settings_headers import PullSourceSettingsHeaders  # noqa: PLC0415
        from ..models.pull_source_settings_secret_headers import PullSourceSettingsSecretHeaders  # noqa: PLC0415

        d = dict(src_dict)
        url = d.pop("url", UNSET)

        _headers = d.pop("headers", UNSET)
        headers: PullSourceSettingsHeaders | Unset
        if isinstance(_headers, Unset):
            headers = UNSET
        else:
            headers = PullSourceSettingsHeaders.from_dict(_headers)

        _secret_headers = d.pop("secretHeaders", UNSET)
        secret_headers: PullSourceSettingsSecretHeaders | Unset
        if isinstance(_secret_headers, Unset):
            secret_headers = UNSET
        else:
            secret_headers = PullSourceSettingsSecretHeaders.from_dict(_secret_headers)

        interval_seconds = d.pop("intervalSeconds", UNSET)

        jitter_seconds = d.pop("jitterSeconds", UNSET)

        timeout_ms = d.pop("timeoutMs", UNSET)

        concurrency = d.pop("concurrency", UNSET)

        requests_per_minute = d.pop("requestsPerMinute", UNSET)

        retry_initial_seconds = d.pop("retryInitialSeconds", UNSET)

        _mapping = d.pop("mapping", UNSET)
        mapping: PullMapping | Unset
        if isinstance(_mapping, Unset):
            mapping = UNSET
        else:
            mapping = PullMapping.from_dict(_mapping)

        pull_source_settings = cls(
            url=url,
            headers=headers,
            secret_headers=secret_headers,
            interval_seconds=interval_seconds,
            jitter_seconds=jitter_seconds,
            timeout_ms=timeout_ms,
            concurrency=concurrency,
            requests_per_minute=requests_per_minute,
            retry_initial_seconds=retry_initial_seconds,
            mapping=mapping,
        )

        return pull_source_settings
