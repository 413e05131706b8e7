from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="LagHistorySamplesItem")


@_attrs_define
class LagHistorySamplesItem:
    """
    Attributes:
        at (datetime.datetime): The start of the step.
        lag (int):
        lag_seconds (float):
    """

    at: datetime.datetime
    lag: int
    lag_seconds: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        at = self.at.isoformat()

        lag = self.lag

        lag_seconds = self.lag_seconds

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "at": at,
                "lag": lag,
                "lagSeconds": lag_seconds,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        at = datetime.datetime.fromisoformat(d.pop("at"))

        lag = d.pop("lag")

        lag_seconds = d.pop("lagSeconds")

        lag_history_samples_item = cls(
            at=at,
            lag=lag,
            lag_seconds=lag_seconds,
        )

        lag_history_samples_item.additional_properties = d
        return lag_history_samples_item

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
