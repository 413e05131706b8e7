from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.analytics_tick_rollups_item_metrics import AnalyticsTickRollupsItemMetrics


T = TypeVar("T", bound="AnalyticsTickRollupsItem")


@_attrs_define
class AnalyticsTickRollupsItem:
    """
    Attributes:
        bucket (datetime.datetime): The 5-minute bucket's start.
        event_type (str):
        platform (str):
        events (int):
        metrics (AnalyticsTickRollupsItemMetrics):
    """

    bucket: datetime.datetime
    event_type: str
    platform: str
    events: int
    metrics: AnalyticsTickRollupsItemMetrics
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        bucket = self.bucket.isoformat()

        event_type = self.event_type

        platform = self.platform

        events = self.events

        metrics = self.metrics.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "bucket": bucket,
                "eventType": event_type,
                "platform": platform,
                "events": events,
                "metrics": metrics,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.analytics_tick_rollups_item_metrics import AnalyticsTickRollupsItemMetrics  # noqa: PLC0415

        d = dict(src_dict)
        bucket = datetime.datetime.fromisoformat(d.pop("bucket"))

        event_type = d.pop("eventType")

        platform = d.pop("platform")

        events = d.pop("events")

        metrics = AnalyticsTickRollupsItemMetrics.from_dict(d.pop("metrics"))

        analytics_tick_rollups_item = cls(
            bucket=bucket,
            event_type=event_type,
            platform=platform,
            events=events,
            metrics=metrics,
        )

        analytics_tick_rollups_item.additional_properties = d
        return analytics_tick_rollups_item

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
