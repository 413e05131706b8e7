from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.entity_activity_buckets_item_growth import EntityActivityBucketsItemGrowth
    from ..models.entity_activity_buckets_item_metrics import EntityActivityBucketsItemMetrics


T = TypeVar("T", bound="EntityActivityBucketsItem")


@_attrs_define
class EntityActivityBucketsItem:
    """
    Attributes:
        start (datetime.datetime):
        events (int):
        metrics (EntityActivityBucketsItemMetrics): Each metric's latest value as of the bucket's end.
        growth (EntityActivityBucketsItemGrowth): Each metric's change within the bucket - its last value less the one
            before the bucket (for the first value, less the bucket's first snapshot); only for buckets with a snapshot.
    """

    start: datetime.datetime
    events: int
    metrics: EntityActivityBucketsItemMetrics
    growth: EntityActivityBucketsItemGrowth
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        start = self.start.isoformat()

        events = self.events

        metrics = self.metrics.to_dict()

        growth = self.growth.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "start": start,
                "events": events,
                "metrics": metrics,
                "growth": growth,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.entity_activity_buckets_item_growth import EntityActivityBucketsItemGrowth  # noqa: PLC0415
        from ..models.entity_activity_buckets_item_metrics import EntityActivityBucketsItemMetrics  # noqa: PLC0415

        d = dict(src_dict)
        start = datetime.datetime.fromisoformat(d.pop("start"))

        events = d.pop("events")

        metrics = EntityActivityBucketsItemMetrics.from_dict(d.pop("metrics"))

        growth = EntityActivityBucketsItemGrowth.from_dict(d.pop("growth"))

        entity_activity_buckets_item = cls(
            start=start,
            events=events,
            metrics=metrics,
            growth=growth,
        )

        entity_activity_buckets_item.additional_properties = d
        return entity_activity_buckets_item

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
