from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.event import Event


T = TypeVar("T", bound="TailBatch")


@_attrs_define
class TailBatch:
    """The data of an `events` event in the tail.

    Attributes:
        at (datetime.datetime):
        matched (int): Events stored since the previous batch that match the filters.
        sampled (bool): More matched than `maxPerSecond` allows; `events` is an even sample of them.
        skipped (int): Events not read because a partition grew faster than the tail reads.
        events (list[Event]):
    """

    at: datetime.datetime
    matched: int
    sampled: bool
    skipped: int
    events: list[Event]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        at = self.at.isoformat()

        matched = self.matched

        sampled = self.sampled

        skipped = self.skipped

        events = []
        for events_item_data in self.events:
            events_item = events_item_data.to_dict()
            events.append(events_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "at": at,
                "matched": matched,
                "sampled": sampled,
                "skipped": skipped,
                "events": events,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.event import Event  # noqa: PLC0415

        d = dict(src_dict)
        at = datetime.datetime.fromisoformat(d.pop("at"))

        matched = d.pop("matched")

        sampled = d.pop("sampled")

        skipped = d.pop("skipped")

        events = []
        _events = d.pop("events")
        for events_item_data in _events:
            events_item = Event.from_dict(events_item_data)

            events.append(events_item)

        tail_batch = cls(
            at=at,
            matched=matched,
            sampled=sampled,
            skipped=skipped,
            events=events,
        )

        tail_batch.additional_properties = d
        return tail_batch

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
