from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="AnalyticsLeaderboardItemsItem")


@_attrs_define
class AnalyticsLeaderboardItemsItem:
    """
    Attributes:
        entity (str): The platform's id.
        platform (str):
        events (int):
        handle (str | Unset):
        account (str | Unset): For content: its account.
        value (float | Unset): The ranking value; absent where it has none (e.g. a rate without views).
    """

    entity: str
    platform: str
    events: int
    handle: str | Unset = UNSET
    account: str | Unset = UNSET
    value: float | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        entity = self.entity

        platform = self.platform

        events = self.events

        handle = self.handle

        account = self.account

        value = self.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "entity": entity,
                "platform": platform,
                "events": events,
            }
        )
        if handle is not UNSET:
            field_dict["handle"] = handle
        if account is not UNSET:
            field_dict["account"] = account
        if value is not UNSET:
            field_dict["value"] = value

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        entity = d.pop("entity")

        platform = d.pop("platform")

        events = d.pop("events")

        handle = d.pop("handle", UNSET)

        account = d.pop("account", UNSET)

        value = d.pop("value", UNSET)

        analytics_leaderboard_items_item = cls(
            entity=entity,
            platform=platform,
            events=events,
            handle=handle,
            account=account,
            value=value,
        )

        analytics_leaderboard_items_item.additional_properties = d
        return analytics_leaderboard_items_item

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
