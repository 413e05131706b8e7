from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.event_attributes import EventAttributes
    from ..models.field_error import FieldError


T = TypeVar("T", bound="Event")


@_attrs_define
class Event:
    """
    Attributes:
        id (UUID):
        stream (str):
        partition (int):
        offset (int):
        type_ (str):
        source (str):
        occurred_at (datetime.datetime):
        received_at (datetime.datetime):
        data (Any):
        key (str | Unset):
        schema_version (int | Unset):
        schema_errors (list[FieldError] | Unset): Set when the event was stored in warn mode despite failing its schema.
        attributes (EventAttributes | Unset): CloudEvents attributes without a Sluice field of their own.
    """

    id: UUID
    stream: str
    partition: int
    offset: int
    type_: str
    source: str
    occurred_at: datetime.datetime
    received_at: datetime.datetime
    data: Any
    key: str | Unset = UNSET
    schema_version: int | Unset = UNSET
    schema_errors: list[FieldError] | Unset = UNSET
    attributes: EventAttributes | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        stream = self.stream

        partition = self.partition

        offset = self.offset

        type_ = self.type_

        source = self.source

        occurred_at = self.occurred_at.isoformat()

        received_at = self.received_at.isoformat()

        data = self.data

        key = self.key

        schema_version = self.schema_version

        schema_errors: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.schema_errors, Unset):
            schema_errors = []
            for schema_errors_item_data in self.schema_errors:
                schema_errors_item = schema_errors_item_data.to_dict()
                schema_errors.append(schema_errors_item)

        attributes: dict[str, Any] | Unset = UNSET
        if not isinstance(self.attributes, Unset):
            attributes = self.attributes.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "stream": stream,
                "partition": partition,
                "offset": offset,
                "type": type_,
                "source": source,
                "occurredAt": occurred_at,
                "receivedAt": received_at,
                "data": data,
            }
        )
        if key is not UNSET:
            field_dict["key"] = key
        if schema_version is not UNSET:
            field_dict["schemaVersion"] = schema_version
        if schema_errors is not UNSET:
            field_dict["schemaErrors"] = schema_errors
        if attributes is not UNSET:
            field_dict["attributes"] = attributes

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.event_attributes import EventAttributes  # noqa: PLC0415
        from ..models.field_error import FieldError  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        stream = d.pop("stream")

        partition = d.pop("partition")

        offset = d.pop("offset")

        type_ = d.pop("type")

        source = d.pop("source")

        occurred_at = datetime.datetime.fromisoformat(d.pop("occurredAt"))

        received_at = datetime.datetime.fromisoformat(d.pop("receivedAt"))

        data = d.pop("data")

        key = d.pop("key", UNSET)

        schema_version = d.pop("schemaVersion", UNSET)

        _schema_errors = d.pop("schemaErrors", UNSET)
        schema_errors: list[FieldError] | Unset = UNSET
        if _schema_errors is not UNSET:
            schema_errors = []
            for schema_errors_item_data in _schema_errors:
                schema_errors_item = FieldError.from_dict(schema_errors_item_data)

                schema_errors.append(schema_errors_item)

        _attributes = d.pop("attributes", UNSET)
        attributes: EventAttributes | Unset
        if isinstance(_attributes, Unset):
            attributes = UNSET
        else:
            attributes = EventAttributes.from_dict(_attributes)

        event = cls(
            id=id,
            stream=stream,
            partition=partition,
            offset=offset,
            type_=type_,
            source=source,
            occurred_at=occurred_at,
            received_at=received_at,
            data=data,
            key=key,
            schema_version=schema_version,
            schema_errors=schema_errors,
            attributes=attributes,
        )

        event.additional_properties = d
        return event

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
