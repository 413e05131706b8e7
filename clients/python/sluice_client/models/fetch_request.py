from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="FetchRequest")


@_attrs_define
class FetchRequest:
    """
    Attributes:
        member_id (str): Letters, digits, ".", "_", "-", ":".
        max_events (int | Unset):  Default: 100.
        wait_ms (int | Unset):  Default: 0.
        session_timeout_ms (int | Unset):  Default: 30000.
    """

    member_id: str
    max_events: int | Unset = 100
    wait_ms: int | Unset = 0
    session_timeout_ms: int | Unset = 30000

    def to_dict(self) -> dict[str, Any]:
        member_id = self.member_id

        max_events = self.max_events

        wait_ms = self.wait_ms

        session_timeout_ms = self.session_timeout_ms

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "memberId": member_id,
            }
        )
        if max_events is not UNSET:
            field_dict["maxEvents"] = max_events
        if wait_ms is not UNSET:
            field_dict["waitMs"] = wait_ms
        if session_timeout_ms is not UNSET:
            field_dict["sessionTimeoutMs"] = session_timeout_ms

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        member_id = d.pop("memberId")

        max_events = d.pop("maxEvents", UNSET)

        wait_ms = d.pop("waitMs", UNSET)

        session_timeout_ms = d.pop("sessionTimeoutMs", UNSET)

        fetch_request = cls(
            member_id=member_id,
            max_events=max_events,
            wait_ms=wait_ms,
            session_timeout_ms=session_timeout_ms,
        )

        return fetch_request
