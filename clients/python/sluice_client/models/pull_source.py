from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.pull_source_state import PullSourceState
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.pull_mapping import PullMapping
    from ..models.pull_source_headers import PullSourceHeaders
    from ..models.pull_source_last_error import PullSourceLastError


T = TypeVar("T", bound="PullSource")


@_attrs_define
class PullSource:
    """
    Attributes:
        id (UUID):
        name (str):
        stream (str):
        url (str):
        headers (PullSourceHeaders):
        secret_headers (list[str]): The names of the secret headers.
        interval_seconds (int):
        jitter_seconds (int):
        timeout_ms (int):
        concurrency (int):
        requests_per_minute (int):
        retry_initial_seconds (int):
        mapping (PullMapping):
        state (PullSourceState):
        entities (int):
        due (int): Entities due now.
        polling (int): Entities with a request in flight.
        failing (int): Entities whose last poll failed.
        runs_last_hour (int):
        failed_last_hour (int):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        rate_limited_until (datetime.datetime | Unset): After a 429
        last_run_at (datetime.datetime | Unset):
        last_success_at (datetime.datetime | Unset):
        last_error (PullSourceLastError | Unset):
    """

    id: UUID
    name: str
    stream: str
    url: str
    headers: PullSourceHeaders
    secret_headers: list[str]
    interval_seconds: int
    jitter_seconds: int
    timeout_ms: int
    concurrency: int
    requests_per_minute: int
    retry_initial_seconds: int
    mapping: PullMapping
    state: PullSourceState
    entities: int
    due: int
    polling: int
    failing: int
    runs_last_hour: int
    failed_last_hour: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    rate_limited_until: datetime.datetime | Unset = UNSET
    last_run_at: datetime.datetime | Unset = UNSET
    last_success_at: datetime.datetime | Unset = UNSET
    last_error: PullSourceLastError | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        name = self.name

        stream = self.stream

        url = self.url

        headers = self.headers.to_dict()

        secret_headers = self.secret_headers

        interval_seconds = self.interval_seconds

        jitter_seconds = self.jitter_seconds

        timeout_ms = self.timeout_ms

        concurrency = self.concurrency

        requests_per_minute = self.requests_per_minute

        retry_initial_seconds = self.retry_initial_seconds

        mapping = self.mapping.to_dict()

        state = self.state.value

        entities = self.entities

        due = self.due

        polling = self.polling

        failing = self.failing

        runs_last_hour = self.runs_last_hour

        failed_last_hour = self.failed_last_hour

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        rate_limited_until: str | Unset = UNSET
        if not isinstance(self.rate_limited_until, Unset):
            rate_limited_until = self.rate_limited_until.isoformat()

        last_run_at: str | Unset = UNSET
        if not isinstance(self.last_run_at, Unset):
            last_run_at = self.last_run_at.isoformat()

        last_success_at: str | Unset = UNSET
        if not isinstance(self.last_success_at, Unset):
            last_success_at = self.last_success_at.isoformat()

        last_error: dict[str, Any] | Unset = UNSET
        if not isinstance(self.last_error, Unset):
            last_error = self.last_error.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "stream": stream,
                "url": url,
                "headers": headers,
                "secretHeaders": secret_headers,
                "intervalSeconds": interval_seconds,
                "jitterSeconds": jitter_seconds,
                "timeoutMs": timeout_ms,
                "concurrency": concurrency,
                "requestsPerMinute": requests_per_minute,
                "retryInitialSeconds": retry_initial_seconds,
                "mapping": mapping,
                "state": state,
                "entities": entities,
                "due": due,
                "polling": polling,
                "failing": failing,
                "runsLastHour": runs_last_hour,
                "failedLastHour": failed_last_hour,
                "createdAt": created_at,
                "updatedAt": updated_at,
            }
        )
        if rate_limited_until is not UNSET:
            field_dict["rateLimitedUntil"] = rate_limited_until
        if last_run_at is not UNSET:
            field_dict["lastRunAt"] = last_run_at
        if last_success_at is not UNSET:
            field_dict["lastSuccessAt"] = last_success_at
        if last_error is not UNSET:
            field_dict["lastError"] = last_error

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.pull_mapping import PullMapping  # noqa: PLC0415
        from ..models.pull_source_headers import PullSourceHeaders  # noqa: PLC0415
        from ..models.pull_source_last_error import PullSourceLastError  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        name = d.pop("name")

        stream = d.pop("stream")

        url = d.pop("url")

        headers = PullSourceHeaders.from_dict(d.pop("headers"))

        secret_headers = cast(list[str], d.pop("secretHeaders"))

        interval_seconds = d.pop("intervalSeconds")

        jitter_seconds = d.pop("jitterSeconds")

        timeout_ms = d.pop("timeoutMs")

        concurrency = d.pop("concurrency")

        requests_per_minute = d.pop("requestsPerMinute")

        retry_initial_seconds = d.pop("retryInitialSeconds")

        mapping = PullMapping.from_dict(d.pop("mapping"))

        state = PullSourceState(d.pop("state"))

        entities = d.pop("entities")

        due = d.pop("due")

        polling = d.pop("polling")

        failing = d.pop("failing")

        runs_last_hour = d.pop("runsLastHour")

        failed_last_hour = d.pop("failedLastHour")

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updatedAt"))

        _rate_limited_until = d.pop("rateLimitedUntil", UNSET)
        rate_limited_until: datetime.datetime | Unset
        if isinstance(_rate_limited_until, Unset):
            rate_limited_until = UNSET
        else:
            rate_limited_until = datetime.datetime.fromisoformat(_rate_limited_until)

        _last_run_at = d.pop("lastRunAt", UNSET)
        last_run_at: datetime.datetime | Unset
        if isinstance(_last_run_at, Unset):
            last_run_at = UNSET
        else:
            last_run_at = datetime.datetime.fromisoformat(_last_run_at)

        _last_success_at = d.pop("lastSuccessAt", UNSET)
        last_success_at: datetime.datetime | Unset
        if isinstance(_last_success_at, Unset):
            last_success_at = UNSET
        else:
            last_success_at = datetime.datetime.fromisoformat(_last_success_at)

        _last_error = d.pop("lastError", UNSET)
        last_error: PullSourceLastError | Unset
        if isinstance(_last_error, Unset):
            last_error = UNSET
        else:
            last_error = PullSourceLastError.from_dict(_last_error)

        pull_source = cls(
            id=id,
            name=name,
            stream=stream,
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
            state=state,
            entities=entities,
            due=due,
            polling=polling,
            failing=failing,
            runs_last_hour=runs_last_hour,
            failed_last_hour=failed_last_hour,
            created_at=created_at,
            updated_at=updated_at,
            rate_limited_until=rate_limited_until,
            last_run_at=last_run_at,
            last_success_at=last_success_at,
            last_error=last_error,
        )

        pull_source.additional_properties = d
        return pull_source

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
