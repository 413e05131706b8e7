from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.create_consumer_group_request_start import CreateConsumerGroupRequestStart
from ..types import UNSET, Unset

T = TypeVar("T", bound="CreateConsumerGroupRequest")


@_attrs_define
class CreateConsumerGroupRequest:
    """
    Attributes:
        name (str): A slug: lower-case letters, digits, ".", "_", "-".
        start (CreateConsumerGroupRequestStart | Unset): The oldest event the stream keeps, only events stored from now
            on, or the first event received at or after `startAt`. Default: CreateConsumerGroupRequestStart.EARLIEST.
        start_at (datetime.datetime | Unset): With `start` timestamp only.
    """

    name: str
    start: CreateConsumerGroupRequestStart | Unset = CreateConsumerGroupRequestStart.EARLIEST
    start_at: datetime.datetime | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        start: str | Unset = UNSET
        if not isinstance(self.start, Unset):
            start = self.start.value

        start_at: str | Unset = UNSET
        if not isinstance(self.start_at, Unset):
            start_at = self.start_at.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
            }
        )
        if start is not UNSET:
            field_dict["start"] = start
        if start_at is not UNSET:
            field_dict["startAt"] = start_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        _start = d.pop("start", UNSET)
        start: CreateConsumerGroupRequestStart | Unset
        if isinstance(_start, Unset):
            start = UNSET
        else:
            start = CreateConsumerGroupRequestStart(_start)

        _start_at = d.pop("startAt", UNSET)
        start_at: datetime.datetime | Unset
        if isinstance(_start_at, Unset):
            start_at = UNSET
        else:
            start_at = datetime.datetime.fromisoformat(_start_at)

        create_consumer_group_request = cls(
            name=name,
            start=start,
            start_at=start_at,
        )

        return create_consumer_group_request
