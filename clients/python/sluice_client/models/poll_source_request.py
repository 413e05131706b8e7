from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="PollSourceRequest")


@_attrs_define
class PollSourceRequest:
    """
    Attributes:
        entity (str | Unset): Absent — every entity.
    """

    entity: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        entity = self.entity

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if entity is not UNSET:
            field_dict["entity"] = entity

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        entity = d.pop("entity", UNSET)

        poll_source_request = cls(
            entity=entity,
        )

        return poll_source_request
