from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.analytics_tick_rollups_item import AnalyticsTickRollupsItem


T = TypeVar("T", bound="AnalyticsTick")


@_attrs_define
class AnalyticsTick:
    """The data of a `tick` in the live feed.

    Attributes:
        at (datetime.datetime):
        stored (int): Events stored in the stream so far (all partitions).
        ingested (int): Events stored since the previous tick (or since the Last-Event-ID).
        lag (int): Events stored but not rolled up yet.
        rollups (list[AnalyticsTickRollupsItem]):
        truncated (bool):
        watermark (datetime.datetime | Unset):
    """

    at: datetime.datetime
    stored: int
    ingested: int
    lag: int
    rollups: list[AnalyticsTickRollupsItem]
    truncated: bool
    watermark: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        at = self.at.isoformat()

        stored = self.stored

        ingested = self.ingested

        lag = self.lag

        rollups = []
        for rollups_item_data in self.rollups:
            rollups_item = rollups_item_data.to_dict()
            rollups.append(rollups_item)

        truncated = self.truncated

        watermark: str | Unset = UNSET
        if not isinstance(self.watermark, Unset):
            watermark = self.watermark.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "at": at,
                "stored": stored,
                "ingested": ingested,
                "lag": lag,
                "rollups": rollups,
                "truncated": truncated,
            }
        )
        if watermark is not UNSET:
            field_dict["watermark"] = watermark

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.analytics_tick_rollups_item import AnalyticsTickRollupsItem  # noqa: PLC0415

        d = dict(src_dict)
        at = datetime.datetime.fromisoformat(d.pop("at"))

        stored = d.pop("stored")

        ingested = d.pop("ingested")

        lag = d.pop("lag")

        rollups = []
        _rollups = d.pop("rollups")
        for rollups_item_data in _rollups:
            rollups_item = AnalyticsTickRollupsItem.from_dict(rollups_item_data)

            rollups.append(rollups_item)

        truncated = d.pop("truncated")

        _watermark = d.pop("watermark", UNSET)
        watermark: datetime.datetime | Unset
        if isinstance(_watermark, Unset):
            watermark = UNSET
        else:
            watermark = datetime.datetime.fromisoformat(_watermark)

        analytics_tick = cls(
            at=at,
            stored=stored,
            ingested=ingested,
            lag=lag,
            rollups=rollups,
            truncated=truncated,
            watermark=watermark,
        )

        analytics_tick.additional_properties = d
        return analytics_tick

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
