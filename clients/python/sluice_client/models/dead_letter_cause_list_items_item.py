from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="DeadLetterCauseListItemsItem")


@_attrs_define
class DeadLetterCauseListItemsItem:
    """
    Attributes:
        count (int):
        first_dead_at (datetime.datetime):
        last_dead_at (datetime.datetime):
        http_status (int | Unset): The last attempt's HTTP status; absent when no response came.
        error (str | Unset): The last attempt's error; absent when a response came.
    """

    count: int
    first_dead_at: datetime.datetime
    last_dead_at: datetime.datetime
    http_status: int | Unset = UNSET
    error: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        count = self.count

        first_dead_at = self.first_dead_at.isoformat()

        last_dead_at = self.last_dead_at.isoformat()

        http_status = self.http_status

        error = self.error

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "count": count,
                "firstDeadAt": first_dead_at,
                "lastDeadAt": last_dead_at,
            }
        )
        if http_status is not UNSET:
            field_dict["httpStatus"] = http_status
        if error is not UNSET:
            field_dict["error"] = error

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        count = d.pop("count")

        first_dead_at = datetime.datetime.fromisoformat(d.pop("firstDeadAt"))

        last_dead_at = datetime.datetime.fromisoformat(d.pop("lastDeadAt"))

        http_status = d.pop("httpStatus", UNSET)

        error = d.pop("error", UNSET)

        dead_letter_cause_list_items_item = cls(
            count=count,
            first_dead_at=first_dead_at,
            last_dead_at=last_dead_at,
            http_status=http_status,
            error=error,
        )

        dead_letter_cause_list_items_item.additional_properties = d
        return dead_letter_cause_list_items_item

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
