from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ConsumerGroupPartition")


@_attrs_define
class ConsumerGroupPartition:
    """
    Attributes:
        partition (int):
        committed_offset (int): The next offset the group reads.
        end_offset (int): The offset the next stored event gets.
        lag (int):
        lag_seconds (float): Age of the oldest event not yet consumed; 0 when caught up.
        committed_at (datetime.datetime | Unset):
    """

    partition: int
    committed_offset: int
    end_offset: int
    lag: int
    lag_seconds: float
    committed_at: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        partition = self.partition

        committed_offset = self.committed_offset

        end_offset = self.end_offset

        lag = self.lag

        lag_seconds = self.lag_seconds

        committed_at: str | Unset = UNSET
        if not isinstance(self.committed_at, Unset):
            committed_at = self.committed_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "partition": partition,
                "committedOffset": committed_offset,
                "endOffset": end_offset,
                "lag": lag,
                "lagSeconds": lag_seconds,
            }
        )
        if committed_at is not UNSET:
            field_dict["committedAt"] = committed_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        partition = d.pop("partition")

        committed_offset = d.pop("committedOffset")

        end_offset = d.pop("endOffset")

        lag = d.pop("lag")

        lag_seconds = d.pop("lagSeconds")

        _committed_at = d.pop("committedAt", UNSET)
        committed_at: datetime.datetime | Unset
        if isinstance(_committed_at, Unset):
            committed_at = UNSET
        else:
            committed_at = datetime.datetime.fromisoformat(_committed_at)

        consumer_group_partition = cls(
            partition=partition,
            committed_offset=committed_offset,
            end_offset=end_offset,
            lag=lag,
            lag_seconds=lag_seconds,
            committed_at=committed_at,
        )

        consumer_group_partition.additional_properties = d
        return consumer_group_partition

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
