from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.reset_offsets_result_moves_item import ResetOffsetsResultMovesItem


T = TypeVar("T", bound="ResetOffsetsResult")


@_attrs_define
class ResetOffsetsResult:
    """
    Attributes:
        applied (bool):
        moves (list[ResetOffsetsResultMovesItem]):
    """

    applied: bool
    moves: list[ResetOffsetsResultMovesItem]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        applied = self.applied

        moves = []
        for moves_item_data in self.moves:
            moves_item = moves_item_data.to_dict()
            moves.append(moves_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "applied": applied,
                "moves": moves,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.reset_offsets_result_moves_item import ResetOffsetsResultMovesItem  # noqa: PLC0415

        d = dict(src_dict)
        applied = d.pop("applied")

        moves = []
        _moves = d.pop("moves")
        for moves_item_data in _moves:
            moves_item = ResetOffsetsResultMovesItem.from_dict(moves_item_data)

            moves.append(moves_item)

        reset_offsets_result = cls(
            applied=applied,
            moves=moves,
        )

        reset_offsets_result.additional_properties = d
        return reset_offsets_result

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
