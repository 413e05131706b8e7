from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="SchemaVersion")


@_attrs_define
class SchemaVersion:
    """
    Attributes:
        event_type (str):
        version (int):
        created_at (datetime.datetime):
        deleted (bool):
        schema (Any | Unset): The schema (left out of stream-wide listings).
        fingerprint (str | Unset): SHA-256 of the schema's canonical JSON.
    """

    event_type: str
    version: int
    created_at: datetime.datetime
    deleted: bool
    schema: Any | Unset = UNSET
    fingerprint: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        event_type = self.event_type

        version = self.version

        created_at = self.created_at.isoformat()

        deleted = self.deleted

        schema = self.schema

        fingerprint = self.fingerprint

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "eventType": event_type,
                "version": version,
                "createdAt": created_at,
                "deleted": deleted,
            }
        )
        if schema is not UNSET:
            field_dict["schema"] = schema
        if fingerprint is not UNSET:
            field_dict["fingerprint"] = fingerprint

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        event_type = d.pop("eventType")

        version = d.pop("version")

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        deleted = d.pop("deleted")

        schema = d.pop("schema", UNSET)

        fingerprint = d.pop("fingerprint", UNSET)

        schema_version = cls(
            event_type=event_type,
            version=version,
            created_at=created_at,
            deleted=deleted,
            schema=schema,
            fingerprint=fingerprint,
        )

        schema_version.additional_properties = d
        return schema_version

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
