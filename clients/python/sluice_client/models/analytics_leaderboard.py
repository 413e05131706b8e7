from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.analytics_leaderboard_entity import AnalyticsLeaderboardEntity

if TYPE_CHECKING:
    from ..models.analytics_leaderboard_items_item import AnalyticsLeaderboardItemsItem


T = TypeVar("T", bound="AnalyticsLeaderboard")


@_attrs_define
class AnalyticsLeaderboard:
    """
    Attributes:
        entity (AnalyticsLeaderboardEntity):
        by (str):
        from_ (datetime.datetime):
        to (datetime.datetime):
        items (list[AnalyticsLeaderboardItemsItem]):
    """

    entity: AnalyticsLeaderboardEntity
    by: str
    from_: datetime.datetime
    to: datetime.datetime
    items: list[AnalyticsLeaderboardItemsItem]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        entity = self.entity.value

        by = self.by

        from_ = self.from_.isoformat()

        to = self.to.isoformat()

        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "entity": entity,
                "by": by,
                "from": from_,
                "to": to,
                "items": items,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.analytics_leaderboard_items_item import AnalyticsLeaderboardItemsItem  # noqa: PLC0415

        d = dict(src_dict)
        entity = AnalyticsLeaderboardEntity(d.pop("entity"))

        by = d.pop("by")

        from_ = datetime.datetime.fromisoformat(d.pop("from"))

        to = datetime.datetime.fromisoformat(d.pop("to"))

        items = []
        _items = d.pop("items")
        for items_item_data in _items:
            items_item = AnalyticsLeaderboardItemsItem.from_dict(items_item_data)

            items.append(items_item)

        analytics_leaderboard = cls(
            entity=entity,
            by=by,
            from_=from_,
            to=to,
            items=items,
        )

        analytics_leaderboard.additional_properties = d
        return analytics_leaderboard

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
