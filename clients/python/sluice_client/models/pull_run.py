from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.pull_run_outcome import PullRunOutcome
from ..types import UNSET, Unset

T = TypeVar("T", bound="PullRun")


@_attrs_define
class PullRun:
    """
    Attributes:
        id (UUID):
        entity (str):
        started_at (datetime.datetime):
        duration_ms (int):
        outcome (PullRunOutcome):
        http_status (int | Unset):
        error (str | Unset):
        event_id (UUID | Unset): The event the run stored.
    """

    id: UUID
    entity: str
    started_at: datetime.datetime
    duration_ms: int
    outcome: PullRunOutcome
    http_status: int | Unset = UNSET
    error: str | Unset = UNSET
    event_id: UUID | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        entity = self.entity

        started_at = self.started_at.isoformat()

        duration_ms = self.duration_ms

        outcome = self.outcome.value

        http_status = self.http_status

        error = self.error

        event_id: str | Unset = UNSET
        if not isinstance(self.event_id, Unset):
            event_id = str(self.event_id)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "entity": entity,
                "startedAt": started_at,
                "durationMs": duration_ms,
                "outcome": outcome,
            }
        )
        if http_status is not UNSET:
            field_dict["httpStatus"] = http_status
        if error is not UNSET:
            field_dict["error"] = error
        if event_id is not UNSET:
            field_dict["eventId"] = event_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        entity = d.pop("entity")

        started_at = datetime.datetime.fromisoformat(d.pop("startedAt"))

        duration_ms = d.pop("durationMs")

        outcome = PullRunOutcome(d.pop("outcome"))

        http_status = d.pop("httpStatus", UNSET)

        error = d.pop("error", UNSET)

        _event_id = d.pop("eventId", UNSET)
        event_id: UUID | Unset
        if isinstance(_event_id, Unset):
            event_id = UNSET
        else:
            event_id = UUID(_event_id)

        pull_run = cls(
            id=id,
            entity=entity,
            started_at=started_at,
            duration_ms=duration_ms,
            outcome=outcome,
            http_status=http_status,
            error=error,
            event_id=event_id,
        )

        pull_run.additional_properties = d
        return pull_run

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
