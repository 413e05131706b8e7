from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.commit_request_offsets_item import CommitRequestOffsetsItem


T = TypeVar("T", bound="CommitRequest")


@_attrs_define
class CommitRequest:
    """
    Attributes:
        member_id (str): Letters, digits, ".", "_", "-", ":".
        offsets (list[CommitRequestOffsetsItem]):
    """

    member_id: str
    offsets: list[CommitRequestOffsetsItem]

    def to_dict(self) -> dict[str, Any]:
        member_id = self.member_id

        offsets = []
        for offsets_item_data in self.offsets:
            offsets_item = offsets_item_data.to_dict()
            offsets.append(offsets_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "memberId": member_id,
                "offsets": offsets,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.commit_request_offsets_item import CommitRequestOffsetsItem  # noqa: PLC0415

        d = dict(src_dict)
        member_id = d.pop("memberId")

        offsets = []
        _offsets = d.pop("offsets")
        for offsets_item_data in _offsets:
            offsets_item = CommitRequestOffsetsItem.from_dict(offsets_item_data)

            offsets.append(offsets_item)

        commit_request = cls(
            member_id=member_id,
            offsets=offsets,
        )

        return commit_request
