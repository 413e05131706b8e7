from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="EventInput")


@_attrs_define
class EventInput:
    """A Sluice event as a producer sends it.

    Attributes:
        type_ (str): The event type, e.g. `post.liked`; picks the schema.
        data (Any): The payload: any JSON value, nested at most 32 levels.
        id (UUID | Unset): The producer's id, which makes retries safe (dedupe window); made by Sluice when absent.
        source (str | Unset): Who produced it; `api` when absent.
        key (str | Unset): Picks the partition (stable hash); events with one key keep their order.
        occurred_at (datetime.datetime | Unset): When it happened (producer time); the receipt time when absent.
        schema_version (int | Unset): The schema version to validate against; the latest when absent.
    """

    type_: str
    data: Any
    id: UUID | Unset = UNSET
    source: str | Unset = UNSET
    key: str | Unset = UNSET
    occurred_at: datetime.datetime | Unset = UNSET
    schema_version: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        data = self.data

        id: str | Unset = UNSET
        if not isinstance(self.id, Unset):
            id = str(self.id)

        source = self.source

        key = self.key

        occurred_at: str | Unset = UNSET
        if not isinstance(self.occurred_at, Unset):
            occurred_at = self.occurred_at.isoformat()

        schema_version = self.schema_version

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "type": type_,
                "data": data,
            }
        )
        if id is not UNSET:
            field_dict["id"] = id
        if source is not UNSET:
            field_dict["source"] = source
        if key is not UNSET:
            field_dict["key"] = key
        if occurred_at is not UNSET:
            field_dict["occurredAt"] = occurred_at
        if schema_version is not UNSET:
            field_dict["schemaVersion"] = schema_version

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        type_ = d.pop("type")

        data = d.pop("data")

        _id = d.pop("id", UNSET)
        id: UUID | Unset
        if isinstance(_id, Unset):
            id = UNSET
        else:
            id = UUID(_id)

        source = d.pop("source", UNSET)

        key = d.pop("key", UNSET)

        _occurred_at = d.pop("occurredAt", UNSET)
        occurred_at: datetime.datetime | Unset
        if isinstance(_occurred_at, Unset):
            occurred_at = UNSET
        else:
            occurred_at = datetime.datetime.fromisoformat(_occurred_at)

        schema_version = d.pop("schemaVersion", UNSET)

        event_input = cls(
            type_=type_,
            data=data,
            id=id,
            source=source,
            key=key,
            occurred_at=occurred_at,
            schema_version=schema_version,
        )

        return event_input
