from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.compatibility import Compatibility
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.field_error import FieldError


T = TypeVar("T", bound="CompatibilityReport")


@_attrs_define
class CompatibilityReport:
    """
    Attributes:
        compatible (bool):
        compatibility (Compatibility): How a new schema version must relate to earlier ones (as Confluent's Schema
            Registry).
        errors (list[FieldError]): Each broken rule, with a pointer into the candidate schema.
        checked_versions (list[int] | Unset):
        samples (list[list[FieldError]] | Unset): Per sample, its problems against the candidate (empty when valid).
    """

    compatible: bool
    compatibility: Compatibility
    errors: list[FieldError]
    checked_versions: list[int] | Unset = UNSET
    samples: list[list[FieldError]] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        compatible = self.compatible

        compatibility = self.compatibility.value

        errors = []
        for errors_item_data in self.errors:
            errors_item = errors_item_data.to_dict()
            errors.append(errors_item)

        checked_versions: list[int] | Unset = UNSET
        if not isinstance(self.checked_versions, Unset):
            checked_versions = self.checked_versions

        samples: list[list[dict[str, Any]]] | Unset = UNSET
        if not isinstance(self.samples, Unset):
            samples = []
            for samples_item_data in self.samples:
                samples_item = []
                for samples_item_item_data in samples_item_data:
                    samples_item_item = samples_item_item_data.to_dict()
                    samples_item.append(samples_item_item)

                samples.append(samples_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "compatible": compatible,
                "compatibility": compatibility,
                "errors": errors,
            }
        )
        if checked_versions is not UNSET:
            field_dict["checkedVersions"] = checked_versions
        if samples is not UNSET:
            field_dict["samples"] = samples

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.field_error import FieldError  # noqa: PLC0415

        d = dict(src_dict)
        compatible = d.pop("compatible")

        compatibility = Compatibility(d.pop("compatibility"))

        errors = []
        _errors = d.pop("errors")
        for errors_item_data in _errors:
            errors_item = FieldError.from_dict(errors_item_data)

            errors.append(errors_item)

        checked_versions = cast(list[int], d.pop("checkedVersions", UNSET))

        _samples = d.pop("samples", UNSET)
        samples: list[list[FieldError]] | Unset = UNSET
        if _samples is not UNSET:
            samples = []
            for samples_item_data in _samples:
                samples_item = []
                _samples_item = samples_item_data
                for samples_item_item_data in _samples_item:
                    samples_item_item = FieldError.from_dict(samples_item_item_data)

                    samples_item.append(samples_item_item)

                samples.append(samples_item)

        compatibility_report = cls(
            compatible=compatible,
            compatibility=compatibility,
            errors=errors,
            checked_versions=checked_versions,
            samples=samples,
        )

        compatibility_report.additional_properties = d
        return compatibility_report

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
