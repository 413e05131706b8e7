from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.reset_offsets_request_to import ResetOffsetsRequestTo
from ..types import UNSET, Unset

T = TypeVar("T", bound="ResetOffsetsRequest")


@_attrs_define
class ResetOffsetsRequest:
    """
    Attributes:
        to (ResetOffsetsRequestTo):
        offset (int | Unset): With `to` offset.
        shift (int | Unset): With `to` shift; negative moves back. The result is kept within the partition's kept
            events.
        datetime_ (datetime.datetime | Unset): With `to` datetime.
        duration_seconds (int | Unset): With `to` duration; back this long from now (at most ten years).
        partitions (list[int] | Unset): The partitions to move; absent means all.
        dry_run (bool | Unset):  Default: False.
        force (bool | Unset): Reset although the group has live members (409 `group-has-members` otherwise). Default:
            False.
    """

    to: ResetOffsetsRequestTo
    offset: int | Unset = UNSET
    shift: int | Unset = UNSET
    datetime_: datetime.datetime | Unset = UNSET
    duration_seconds: int | Unset = UNSET
    partitions: list[int] | Unset = UNSET
    dry_run: bool | Unset = False
    force: bool | Unset = False

    def to_dict(self) -> dict[str, Any]:
        to = self.to.value

        offset = self.offset

        shift = self.shift

        datetime_: str | Unset = UNSET
        if not isinstance(self.datetime_, Unset):
            datetime_ = self.datetime_.isoformat()

        duration_seconds = self.duration_seconds

        partitions: list[int] | Unset = UNSET
        if not isinstance(self.partitions, Unset):
            partitions = self.partitions

        dry_run = self.dry_run

        force = self.force

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "to": to,
            }
        )
        if offset is not UNSET:
            field_dict["offset"] = offset
        if shift is not UNSET:
            field_dict["shift"] = shift
        if datetime_ is not UNSET:
            field_dict["datetime"] = datetime_
        if duration_seconds is not UNSET:
            field_dict["durationSeconds"] = duration_seconds
        if partitions is not UNSET:
            field_dict["partitions"] = partitions
        if dry_run is not UNSET:
            field_dict["dryRun"] = dry_run
        if force is not UNSET:
            field_dict["force"] = force

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        to = ResetOffsetsRequestTo(d.pop("to"))

        offset = d.pop("offset", UNSET)

        shift = d.pop("shift", UNSET)

        _datetime_ = d.pop("datetime", UNSET)
        datetime_: datetime.datetime | Unset
        if isinstance(_datetime_, Unset):
            datetime_ = UNSET
        else:
            datetime_ = datetime.datetime.fromisoformat(_datetime_)

        duration_seconds = d.pop("durationSeconds", UNSET)

        partitions = cast(list[int], d.pop("partitions", UNSET))

        dry_run = d.pop("dryRun", UNSET)

        force = d.pop("force", UNSET)

        reset_offsets_request = cls(
            to=to,
            offset=offset,
            shift=shift,
            datetime_=datetime_,
            duration_seconds=duration_seconds,
            partitions=partitions,
            dry_run=dry_run,
            force=force,
        )

        return reset_offsets_request
