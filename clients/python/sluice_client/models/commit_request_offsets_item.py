from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="CommitRequestOffsetsItem")


@_attrs_define
class CommitRequestOffsetsItem:
    """
    Attributes:
        partition (int):
        offset (int): The next offset to read (the last processed + 1).
    """

    partition: int
    offset: int

    def to_dict(self) -> dict[str, Any]:
        partition = self.partition

        offset = self.offset

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "partition": partition,
                "offset": offset,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        partition = d.pop("partition")

        offset = d.pop("offset")

        commit_request_offsets_item = cls(
            partition=partition,
            offset=offset,
        )

        return commit_request_offsets_item
