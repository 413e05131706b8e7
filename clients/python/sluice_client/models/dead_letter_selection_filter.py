from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="DeadLetterSelectionFilter")


@_attrs_define
class DeadLetterSelectionFilter:
    """
    Attributes:
        event_type (str | Unset):
        since (datetime.datetime | Unset):
        until (datetime.datetime | Unset):
        http_status (int | Unset):
        error (str | Unset): The last attempt's error, exactly (a cause of `dead-letter-causes`).
    """

    event_type: str | Unset = UNSET
    since: datetime.datetime | Unset = UNSET
    until: datetime.datetime | Unset = UNSET
    http_status: int | Unset = UNSET
    error: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        event_type = self.event_type

        since: str | Unset = UNSET
        if not isinstance(self.since, Unset):
            since = self.since.isoformat()

        until: str | Unset = UNSET
        if not isinstance(self.until, Unset):
            until = self.until.isoformat()

        http_status = self.http_status

        error = self.error

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if event_type is not UNSET:
            field_dict["eventType"] = event_type
        if since is not UNSET:
            field_dict["since"] = since
        if until is not UNSET:
            field_dict["until"] = until
        if http_status is not UNSET:
            field_dict["httpStatus"] = http_status
        if error is not UNSET:
            field_dict["error"] = error

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        event_type = d.pop("eventType", UNSET)

        _since = d.pop("since", UNSET)
        since: datetime.datetime | Unset
        if isinstance(_since, Unset):
            since = UNSET
        else:
            since = datetime.datetime.fromisoformat(_since)

        _until = d.pop("until", UNSET)
        until: datetime.datetime | Unset
        if isinstance(_until, Unset):
            until = UNSET
        else:
            until = datetime.datetime.fromisoformat(_until)

        http_status = d.pop("httpStatus", UNSET)

        error = d.pop("error", UNSET)

        dead_letter_selection_filter = cls(
            event_type=event_type,
            since=since,
            until=until,
            http_status=http_status,
            error=error,
        )

        return dead_letter_selection_filter
