from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.key_usage import KeyUsage


T = TypeVar("T", bound="UsagePeriod")


@_attrs_define
class UsagePeriod:
    """
    Attributes:
        period (str): The month, `YYYY-MM` (UTC). Example: 2026-11.
        start (datetime.datetime):
        end (datetime.datetime):
        events (int): Events stored.
        requests (int):
        keys (list[KeyUsage]):
        quota (int | Unset): The month's event quota; absent when unlimited.
    """

    period: str
    start: datetime.datetime
    end: datetime.datetime
    events: int
    requests: int
    keys: list[KeyUsage]
    quota: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        period = self.period

        start = self.start.isoformat()

        end = self.end.isoformat()

        events = self.events

        requests = self.requests

        keys = []
        for keys_item_data in self.keys:
            keys_item = keys_item_data.to_dict()
            keys.append(keys_item)

        quota = self.quota

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "period": period,
                "start": start,
                "end": end,
                "events": events,
                "requests": requests,
                "keys": keys,
            }
        )
        if quota is not UNSET:
            field_dict["quota"] = quota

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.key_usage import KeyUsage  # noqa: PLC0415

        d = dict(src_dict)
        period = d.pop("period")

        start = datetime.datetime.fromisoformat(d.pop("start"))

        end = datetime.datetime.fromisoformat(d.pop("end"))

        events = d.pop("events")

        requests = d.pop("requests")

        keys = []
        _keys = d.pop("keys")
        for keys_item_data in _keys:
            keys_item = KeyUsage.from_dict(keys_item_data)

            keys.append(keys_item)

        quota = d.pop("quota", UNSET)

        usage_period = cls(
            period=period,
            start=start,
            end=end,
            events=events,
            requests=requests,
            keys=keys,
            quota=quota,
        )

        usage_period.additional_properties = d
        return usage_period

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
