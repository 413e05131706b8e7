from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.compatibility import Compatibility
from ..types import UNSET, Unset

T = TypeVar("T", bound="CompatibilityTestInput")


@_attrs_define
class CompatibilityTestInput:
    """
    Attributes:
        schema (Any): The candidate schema: a JSON Schema (draft 2020-12), an object or a boolean.
        compatibility (Compatibility | Unset): How a new schema version must relate to earlier ones (as Confluent's
            Schema Registry).
        samples (list[Any] | Unset): Event payloads (`data`) to validate against the candidate.
    """

    schema: Any
    compatibility: Compatibility | Unset = UNSET
    samples: list[Any] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        schema = self.schema

        compatibility: str | Unset = UNSET
        if not isinstance(self.compatibility, Unset):
            compatibility = self.compatibility.value

        samples: list[Any] | Unset = UNSET
        if not isinstance(self.samples, Unset):
            samples = self.samples

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "schema": schema,
            }
        )
        if compatibility is not UNSET:
            field_dict["compatibility"] = compatibility
        if samples is not UNSET:
            field_dict["samples"] = samples

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        schema = d.pop("schema")

        _compatibility = d.pop("compatibility", UNSET)
        compatibility: Compatibility | Unset
        if isinstance(_compatibility, Unset):
            compatibility = UNSET
        else:
            compatibility = Compatibility(_compatibility)

        samples = cast(list[Any], d.pop("samples", UNSET))

        compatibility_test_input = cls(
            schema=schema,
            compatibility=compatibility,
            samples=samples,
        )

        return compatibility_test_input
