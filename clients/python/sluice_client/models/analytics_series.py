from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.analytics_series_resolution import AnalyticsSeriesResolution
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.analytics_bucket import AnalyticsBucket


T = TypeVar("T", bound="AnalyticsSeries")


@_attrs_define
class AnalyticsSeries:
    """
    Attributes:
        metric (str):
        resolution (AnalyticsSeriesResolution):
        from_ (datetime.datetime): The first bucket's start.
        to (datetime.datetime):
        buckets (list[AnalyticsBucket]):
        watermark (datetime.datetime | Unset):
        total (float | Unset): The metric over the whole range (for actors: distinct over the range). Absent for a rate
            without views.
    """

    metric: str
    resolution: AnalyticsSeriesResolution
    from_: datetime.datetime
    to: datetime.datetime
    buckets: list[AnalyticsBucket]
    watermark: datetime.datetime | Unset = UNSET
    total: float | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        metric = self.metric

        resolution = self.resolution.value

        from_ = self.from_.isoformat()

        to = self.to.isoformat()

        buckets = []
        for buckets_item_data in self.buckets:
            buckets_item = buckets_item_data.to_dict()
            buckets.append(buckets_item)

        watermark: str | Unset = UNSET
        if not isinstance(self.watermark, Unset):
            watermark = self.watermark.isoformat()

        total = self.total

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "metric": metric,
                "resolution": resolution,
                "from": from_,
                "to": to,
                "buckets": buckets,
            }
        )
        if watermark is not UNSET:
            field_dict["watermark"] = watermark
        if total is not UNSET:
            field_dict["total"] = total

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.analytics_bucket import AnalyticsBucket  # noqa: PLC0415

        d = dict(src_dict)
        metric = d.pop("metric")

        resolution = AnalyticsSeriesResolution(d.pop("resolution"))

        from_ = datetime.datetime.fromisoformat(d.pop("from"))

        to = datetime.datetime.fromisoformat(d.pop("to"))

        buckets = []
        _buckets = d.pop("buckets")
        for buckets_item_data in _buckets:
            buckets_item = AnalyticsBucket.from_dict(buckets_item_data)

            buckets.append(buckets_item)

        _watermark = d.pop("watermark", UNSET)
        watermark: datetime.datetime | Unset
        if isinstance(_watermark, Unset):
            watermark = UNSET
        else:
            watermark = datetime.datetime.fromisoformat(_watermark)

        total = d.pop("total", UNSET)

        analytics_series = cls(
            metric=metric,
            resolution=resolution,
            from_=from_,
            to=to,
            buckets=buckets,
            watermark=watermark,
            total=total,
        )

        analytics_series.additional_properties = d
        return analytics_series

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
