from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="PullEntity")


@_attrs_define
class PullEntity:
    """
    Attributes:
        entity (str):
        next_run_at (datetime.datetime):
        failures (int): Consecutive failed polls.
        polling (bool): A request is in flight.
        last_run_at (datetime.datetime | Unset):
        last_success_at (datetime.datetime | Unset):
        last_status (int | Unset):
        last_error (str | Unset):
    """

    entity: str
    next_run_at: datetime.datetime
    failures: int
    polling: bool
    last_run_at: datetime.datetime | Unset = UNSET
    last_success_at: datetime.datetime | Unset = UNSET
    last_status: int | Unset = UNSET
    last_error: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        entity = self.entity

        next_run_at = self.next_run_at.isoformat()

        failures = self.failures

        polling = self.polling

        last_run_at: str | Unset = UNSET
        if not isinstance(self.last_run_at, Unset):
            last_run_at = self.last_run_at.isoformat()

        last_success_at: str | Unset = UNSET
        if not isinstance(self.last_success_at, Unset):
            last_success_at = self.last_success_at.isoformat()

        last_status = self.last_status

        last_error = self.last_error

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "entity": entity,
                "nextRunAt": next_run_at,
                "failures": failures,
                "polling": polling,
            }
        )
        if last_run_at is not UNSET:
            field_dict["lastRunAt"] = last_run_at
        if last_success_at is not UNSET:
            field_dict["lastSuccessAt"] = last_success_at
        if last_status is not UNSET:
            field_dict["lastStatus"] = last_status
        if last_error is not UNSET:
            field_dict["lastError"] = last_error

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        entity = d.pop("entity")

        next_run_at = datetime.datetime.fromisoformat(d.pop("nextRunAt"))

        failures = d.pop("failures")

        polling = d.pop("polling")

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

        last_status = d.pop("lastStatus", UNSET)

        last_error = d.pop("lastError", UNSET)

        pull_entity = cls(
            entity=entity,
            next_run_at=next_run_at,
            failures=failures,
            polling=polling,
            last_run_at=last_run_at,
            last_success_at=last_success_at,
            last_status=last_status,
            last_error=last_error,
        )

        pull_entity.additional_properties = d
        return pull_entity

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
