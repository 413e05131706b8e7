from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="JoinConsumerGroupRequest")


@_attrs_define
class JoinConsumerGroupRequest:
    """
    Attributes:
        session_timeout_ms (int | Unset):  Default: 30000.
    """

    session_timeout_ms: int | Unset = 30000

    def to_dict(self) -> dict[str, Any]:
        session_timeout_ms = self.session_timeout_ms

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if session_timeout_ms is not UNSET:
            field_dict["sessionTimeoutMs"] = session_timeout_ms

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        session_timeout_ms = d.pop("sessionTimeoutMs", UNSET)

        join_consumer_group_request = cls(
            session_timeout_ms=session_timeout_ms,
        )

        return join_consumer_group_request
