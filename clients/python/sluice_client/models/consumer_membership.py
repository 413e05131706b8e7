from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ConsumerMembership")


@_attrs_define
class ConsumerMembership:
    """
    Attributes:
        member_id (str):
        partitions (list[int]):
        session_timeout_ms (int):
    """

    member_id: str
    partitions: list[int]
    session_timeout_ms: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        member_id = self.member_id

        partitions = self.partitions

        session_timeout_ms = self.session_timeout_ms

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "memberId": member_id,
                "partitions": partitions,
                "sessionTimeoutMs": session_timeout_ms,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        member_id = d.pop("memberId")

        partitions = cast(list[int], d.pop("partitions"))

        session_timeout_ms = d.pop("sessionTimeoutMs")

        consumer_membership = cls(
            member_id=member_id,
            partitions=partitions,
            session_timeout_ms=session_timeout_ms,
        )

        consumer_membership.additional_properties = d
        return consumer_membership

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
