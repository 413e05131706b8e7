from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.ingest_result_status import IngestResultStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.field_error import FieldError


T = TypeVar("T", bound="IngestResult")


@_attrs_define
class IngestResult:
    """
    Attributes:
        index (int): The event's position in the request.
        status (IngestResultStatus):
        id (UUID | Unset): Absent when the event was too malformed to have one.
        partition (int | Unset):
        offset (int | Unset):
        schema_version (int | Unset):
        warnings (list[FieldError] | Unset): In warn mode, why the event does not match its schema (it was stored,
            flagged).
        reason (str | Unset): Why the event was rejected or failed.
        errors (list[FieldError] | Unset):
        quarantine_id (UUID | Unset): Where a rejected event was kept (enforce mode).
    """

    index: int
    status: IngestResultStatus
    id: UUID | Unset = UNSET
    partition: int | Unset = UNSET
    offset: int | Unset = UNSET
    schema_version: int | Unset = UNSET
    warnings: list[FieldError] | Unset = UNSET
    reason: str | Unset = UNSET
    errors: list[FieldError] | Unset = UNSET
    quarantine_id: UUID | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        index = self.index

        status = self.status.value

        id: str | Unset = UNSET
        if not isinstance(self.id, Unset):
            id = str(self.id)

        partition = self.partition

        offset = self.offset

        schema_version = self.schema_version

        warnings: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.warnings, Unset):
            warnings = []
            for warnings_item_data in self.warnings:
                warnings_item = warnings_item_data.to_dict()
                warnings.append(warnings_item)

        reason = self.reason

        errors: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.errors, Unset):
            errors = []
            for errors_item_data in self.errors:
                errors_item = errors_item_data.to_dict()
                errors.append(errors_item)

        quarantine_id: str | Unset = UNSET
        if not isinstance(self.quarantine_id, Unset):
            quarantine_id = str(self.quarantine_id)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "index": index,
                "status": status,
            }
        )
        if id is not UNSET:
            field_dict["id"] = id
        if partition is not UNSET:
            field_dict["partition"] = partition
        if offset is not UNSET:
            field_dict["offset"] = offset
        if schema_version is not UNSET:
            field_dict["schemaVersion"] = schema_version
        if warnings is not UNSET:
            field_dict["warnings"] = warnings
        if reason is not UNSET:
            field_dict["reason"] = reason
        if errors is not UNSET:
            field_dict["errors"] = errors
        if quarantine_id is not UNSET:
            field_dict["quarantineId"] = quarantine_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.field_error import FieldError  # noqa: PLC0415

        d = dict(src_dict)
        index = d.pop("index")

        status = IngestResultStatus(d.pop("status"))

        _id = d.pop("id", UNSET)
        id: UUID | Unset
        if isinstance(_id, Unset):
            id = UNSET
        else:
            id = UUID(_id)

        partition = d.pop("partition", UNSET)

        offset = d.pop("offset", UNSET)

        schema_version = d.pop("schemaVersion", UNSET)

        _warnings = d.pop("warnings", UNSET)
        warnings: list[FieldError] | Unset = UNSET
        if _warnings is not UNSET:
            warnings = []
            for warnings_item_data in _warnings:
                warnings_item = FieldError.from_dict(warnings_item_data)

                warnings.append(warnings_item)

        reason = d.pop("reason", UNSET)

        _errors = d.pop("errors", UNSET)
        errors: list[FieldError] | Unset = UNSET
        if _errors is not UNSET:
            errors = []
            for errors_item_data in _errors:
                errors_item = FieldError.from_dict(errors_item_data)

                errors.append(errors_item)

        _quarantine_id = d.pop("quarantineId", UNSET)
        quarantine_id: UUID | Unset
        if isinstance(_quarantine_id, Unset):
            quarantine_id = UNSET
        else:
            quarantine_id = UUID(_quarantine_id)

        ingest_result = cls(
            index=index,
            status=status,
            id=id,
            partition=partition,
            offset=offset,
            schema_version=schema_version,
            warnings=warnings,
            reason=reason,
            errors=errors,
            quarantine_id=quarantine_id,
        )

        ingest_result.additional_properties = d
        return ingest_result

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
