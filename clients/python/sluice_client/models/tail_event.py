from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.tail_event_event import TailEventEvent
from ..types import UNSET, Unset

T = TypeVar("T", bound="TailEvent")


@_attrs_define
class TailEvent:
    """One Server-Sent Event of the tail, its fields as the text/event-stream format has them.

    Attributes:
        event (TailEventEvent):
        id (str): Send it back as `Last-Event-ID` to resume.
        data (str): A TailBatch in JSON.
        retry (int | Unset):
    """

    event: TailEventEvent
    id: str
    data: str
    retry: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        event = self.event.value

        id = self.id

        data = self.data

        retry = self.retry

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "event": event,
                "id": id,
                "data": data,
            }
        )
        if retry is not UNSET:
            field_dict["retry"] = retry

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        event = TailEventEvent(d.pop("event"))

        id = d.pop("id")

        data = d.pop("data")

        retry = d.pop("retry", UNSET)

        tail_event = cls(
            event=event,
            id=id,
            data=data,
            retry=retry,
        )

        tail_event.additional_properties = d
        return tail_event

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
