from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="PullEntityList")


@_attrs_define
class PullEntityList:
    """
    Attributes:
        entities (list[str]):
    """

    entities: list[str]

    def to_dict(self) -> dict[str, Any]:
        entities = self.entities

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "entities": entities,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        entities = cast(list[str], d.pop("entities"))

        pull_entity_list = cls(
            entities=entities,
        )

        return pull_entity_list
