from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="DeliveryAttempt")


@_attrs_define
class DeliveryAttempt:
    """
    Attributes:
        series (int): 1 for the first series; each replay starts the next.
        attempt (int):
        at (datetime.datetime):
        duration_ms (int):
        status (int | Unset): The HTTP status
        error (str | Unset):
        response (str | Unset): The first 1 KiB of the response body.
    """

    series: int
    attempt: int
    at: datetime.datetime
    duration_ms: int
    status: int | Unset = UNSET
    error: str | Unset = UNSET
    response: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        series = self.series

        attempt = self.attempt

        at = self.at.isoformat()

        duration_ms = self.duration_ms

        status = self.status

        error = self.error

        response = self.response

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "series": series,
                "attempt": attempt,
                "at": at,
                "durationMs": duration_ms,
            }
        )
        if status is not UNSET:
            field_dict["status"] = status
        if error is not UNSET:
            field_dict["error"] = error
        if response is not UNSET:
            field_dict["response"] = response

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        series = d.pop("series")

        attempt = d.pop("attempt")

        at = datetime.datetime.fromisoformat(d.pop("at"))

        duration_ms = d.pop("durationMs")

        status = d.pop("status", UNSET)

        error = d.pop("error", UNSET)

        response = d.pop("response", UNSET)

        delivery_attempt = cls(
            series=series,
            attempt=attempt,
            at=at,
            duration_ms=duration_ms,
            status=status,
            error=error,
            response=response,
        )

        delivery_attempt.additional_properties = d
        return delivery_attempt

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
