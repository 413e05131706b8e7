from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.compatibility import Compatibility
from ..models.schema_mode import SchemaMode

if TYPE_CHECKING:
    from ..models.rollup_dimensions import RollupDimensions


T = TypeVar("T", bound="Stream")


@_attrs_define
class Stream:
    """
    Attributes:
        id (UUID):
        name (str):
        description (str):
        partitions (int):
        retention_seconds (int):
        dedupe_window_seconds (int):
        schema_mode (SchemaMode): `off` stores events unchecked; `warn` stores invalid events flagged with their errors;
            `enforce` rejects them into the quarantine.
        compatibility (Compatibility): How a new schema version must relate to earlier ones (as Confluent's Schema
            Registry).
        allowed_lateness_seconds (int):
        dimensions (RollupDimensions): Extra rollup dimensions beside event type and platform: a name (letters, digits,
            `_`, at
            most 50) → a JSON pointer into the events' data, such as `{"country": "/geo/country"}`.
            At most 3; each value is kept as text (at most 200 characters). A change applies to
            events rolled up from then on; rebuild a range to apply it to the past. On update, the
            map replaces the stream's (`{}` removes them).
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        next_offsets (list[int]): Per partition, the offset the next stored event will get (the count stored so far).
    """

    id: UUID
    name: str
    description: str
    partitions: int
    retention_seconds: int
    dedupe_window_seconds: int
    schema_mode: SchemaMode
    compatibility: Compatibility
    allowed_lateness_seconds: int
    dimensions: RollupDimensions
    created_at: datetime.datetime
    updated_at: datetime.datetime
    next_offsets: list[int]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        name = self.name

        description = self.description

        partitions = self.partitions

        retention_seconds = self.retention_seconds

        dedupe_window_seconds = self.dedupe_window_seconds

        schema_mode = self.schema_mode.value

        compatibility = self.compatibility.value

        allowed_lateness_seconds = self.allowed_lateness_seconds

        dimensions = self.dimensions.to_dict()

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        next_offsets = self.next_offsets

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "description": description,
                "partitions": partitions,
                "retentionSeconds": retention_seconds,
                "dedupeWindowSeconds": dedupe_window_seconds,
                "schemaMode": schema_mode,
                "compatibility": compatibility,
                "allowedLatenessSeconds": allowed_lateness_seconds,
                "dimensions": dimensions,
                "createdAt": created_at,
                "updatedAt": updated_at,
                "nextOffsets": next_offsets,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.rollup_dimensions import RollupDimensions  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        name = d.pop("name")

        description = d.pop("description")

        partitions = d.pop("partitions")

        retention_seconds = d.pop("retentionSeconds")

        dedupe_window_seconds = d.pop("dedupeWindowSeconds")

        schema_mode = SchemaMode(d.pop("schemaMode"))

        compatibility = Compatibility(d.pop("compatibility"))

        allowed_lateness_seconds = d.pop("allowedLatenessSeconds")

        dimensions = RollupDimensions.from_dict(d.pop("dimensions"))

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updatedAt"))

        next_offsets = cast(list[int], d.pop("nextOffsets"))

        stream = cls(
            id=id,
            name=name,
            description=description,
            partitions=partitions,
            retention_seconds=retention_seconds,
            dedupe_window_seconds=dedupe_window_seconds,
            schema_mode=schema_mode,
            compatibility=compatibility,
            allowed_lateness_seconds=allowed_lateness_seconds,
            dimensions=dimensions,
            created_at=created_at,
            updated_at=updated_at,
            next_offsets=next_offsets,
        )

        stream.additional_properties = d
        return stream

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
