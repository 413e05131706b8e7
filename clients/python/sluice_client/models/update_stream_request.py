from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..models.compatibility import Compatibility
from ..models.schema_mode import SchemaMode
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.rollup_dimensions import RollupDimensions


T = TypeVar("T", bound="UpdateStreamRequest")


@_attrs_define
class UpdateStreamRequest:
    """Only the members present change.

    Attributes:
        description (str | Unset):
        partitions (int | Unset):
        retention_seconds (int | Unset):
        dedupe_window_seconds (int | Unset):
        schema_mode (SchemaMode | Unset): `off` stores events unchecked; `warn` stores invalid events flagged with their
            errors; `enforce` rejects them into the quarantine.
        compatibility (Compatibility | Unset): How a new schema version must relate to earlier ones (as Confluent's
            Schema Registry).
        allowed_lateness_seconds (int | Unset): How far behind the latest event time (occurredAt) an event may arrive
            and still be counted in the rollups; 3600 when absent at creation.
        dimensions (RollupDimensions | Unset): Extra rollup dimensions beside event type and platform: a name (letters,
            digits, `_`, at
            most 50) → a JSON pointer into the events' data, such as `{"country": "/geo/country"}`.
            At most 3; each value is kept as text (at most 200 characters). A change applies to
            events rolled up from then on; rebuild a range to apply it to the past. On update, the
            map replaces the stream's (`{}` removes them).
    """

    description: str | Unset = UNSET
    partitions: int | Unset = UNSET
    retention_seconds: int | Unset = UNSET
    dedupe_window_seconds: int | Unset = UNSET
    schema_mode: SchemaMode | Unset = UNSET
    compatibility: Compatibility | Unset = UNSET
    allowed_lateness_seconds: int | Unset = UNSET
    dimensions: RollupDimensions | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        description = self.description

        partitions = self.partitions

        retention_seconds = self.retention_seconds

        dedupe_window_seconds = self.dedupe_window_seconds

        schema_mode: str | Unset = UNSET
        if not isinstance(self.schema_mode, Unset):
            schema_mode = self.schema_mode.value

        compatibility: str | Unset = UNSET
        if not isinstance(self.compatibility, Unset):
            compatibility = self.compatibility.value

        allowed_lateness_seconds = self.allowed_lateness_seconds

        dimensions: dict[str, Any] | Unset = UNSET
        if not isinstance(self.dimensions, Unset):
            dimensions = self.dimensions.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if description is not UNSET:
            field_dict["description"] = description
        if partitions is not UNSET:
            field_dict["partitions"] = partitions
        if retention_seconds is not UNSET:
            field_dict["retentionSeconds"] = retention_seconds
        if dedupe_window_seconds is not UNSET:
            field_dict["dedupeWindowSeconds"] = dedupe_window_seconds
        if schema_mode is not UNSET:
            field_dict["schemaMode"] = schema_mode
        if compatibility is not UNSET:
            field_dict["compatibility"] = compatibility
        if allowed_lateness_seconds is not UNSET:
            field_dict["allowedLatenessSeconds"] = allowed_lateness_seconds
        if dimensions is not UNSET:
            field_dict["dimensions"] = dimensions

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.rollup_dimensions import RollupDimensions  # noqa: PLC0415

        d = dict(src_dict)
        description = d.pop("description", UNSET)

        partitions = d.pop("partitions", UNSET)

        retention_seconds = d.pop("retentionSeconds", UNSET)

        dedupe_window_seconds = d.pop("dedupeWindowSeconds", UNSET)

        _schema_mode = d.pop("schemaMode", UNSET)
        schema_mode: SchemaMode | Unset
        if isinstance(_schema_mode, Unset):
            schema_mode = UNSET
        else:
            schema_mode = SchemaMode(_schema_mode)

        _compatibility = d.pop("compatibility", UNSET)
        compatibility: Compatibility | Unset
        if isinstance(_compatibility, Unset):
            compatibility = UNSET
        else:
            compatibility = Compatibility(_compatibility)

        allowed_lateness_seconds = d.pop("allowedLatenessSeconds", UNSET)

        _dimensions = d.pop("dimensions", UNSET)
        dimensions: RollupDimensions | Unset
        if isinstance(_dimensions, Unset):
            dimensions = UNSET
        else:
            dimensions = RollupDimensions.from_dict(_dimensions)

        update_stream_request = cls(
            description=description,
            partitions=partitions,
            retention_seconds=retention_seconds,
            dedupe_window_seconds=dedupe_window_seconds,
            schema_mode=schema_mode,
            compatibility=compatibility,
            allowed_lateness_seconds=allowed_lateness_seconds,
            dimensions=dimensions,
        )

        return update_stream_request
