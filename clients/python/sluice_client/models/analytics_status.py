from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="AnalyticsStatus")


@_attrs_define
class AnalyticsStatus:
    """
    Attributes:
        allowed_lateness_seconds (int):
        late_applied (int): Events counted although older than an event already rolled up (within the lateness).
        late_dropped (int): Events not counted
        lag (list[int]): Per partition, events stored but not rolled up yet.
        max_event_time (datetime.datetime | Unset): The latest event time rolled up; absent before the first event.
        watermark (datetime.datetime | Unset): The latest event time of the slowest partition still behind (else
            maxEventTime), less the allowed lateness; it never moves back. Events older than it are not counted (kind `late`
            in the failure view); buckets ending at or before it are final.
    """

    allowed_lateness_seconds: int
    late_applied: int
    late_dropped: int
    lag: list[int]
    max_event_time: datetime.datetime | Unset = UNSET
    watermark: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        allowed_lateness_seconds = self.allowed_lateness_seconds

        late_applied = self.late_applied

        late_dropped = self.late_dropped

        lag = self.lag

        max_event_time: str | Unset = UNSET
        if not isinstance(self.max_event_time, Unset):
            max_event_time = self.max_event_time.isoformat()

        watermark: str | Unset = UNSET
        if not isinstance(self.watermark, Unset):
            watermark = self.watermark.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "allowedLatenessSeconds": allowed_lateness_seconds,
                "lateApplied": late_applied,
                "lateDropped": late_dropped,
                "lag": lag,
            }
        )
        if max_event_time is not UNSET:
            field_dict["maxEventTime"] = max_event_time
        if watermark is not UNSET:
            field_dict["watermark"] = watermark

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        allowed_lateness_seconds = d.pop("allowedLatenessSeconds")

        late_applied = d.pop("lateApplied")

        late_dropped = d.pop("lateDropped")

        lag = cast(list[int], d.pop("lag"))

        _max_event_time = d.pop("maxEventTime", UNSET)
        max_event_time: datetime.datetime | Unset
        if isinstance(_max_event_time, Unset):
            max_event_time = UNSET
        else:
            max_event_time = datetime.datetime.fromisoformat(_max_event_time)

        _watermark = d.pop("watermark", UNSET)
        watermark: datetime.datetime | Unset
        if isinstance(_watermark, Unset):
            watermark = UNSET
        else:
            watermark = datetime.datetime.fromisoformat(_watermark)

        analytics_status = cls(
            allowed_lateness_seconds=allowed_lateness_seconds,
            late_applied=late_applied,
            late_dropped=late_dropped,
            lag=lag,
            max_event_time=max_event_time,
            watermark=watermark,
        )

        analytics_status.additional_properties = d
        return analytics_status

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
