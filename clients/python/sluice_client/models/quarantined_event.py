from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.quarantined_event_status import QuarantinedEventStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.field_error import FieldError
    from ..models.quarantined_event_event import QuarantinedEventEvent


T = TypeVar("T", bound="QuarantinedEvent")


@_attrs_define
class QuarantinedEvent:
    """
    Attributes:
        id (UUID):
        event_id (UUID):
        event_type (str):
        received_at (datetime.datetime):
        status (QuarantinedEventStatus):
        errors (list[FieldError]):
        event (QuarantinedEventEvent): The event as it was received (Sluice envelope).
        resolved_at (datetime.datetime | Unset):
    """

    id: UUID
    event_id: UUID
    event_type: str
    received_at: datetime.datetime
    status: QuarantinedEventStatus
    errors: list[FieldError]
    event: QuarantinedEventEvent
    resolved_at: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        event_id = str(self.event_id)

        event_type = self.event_type

        received_at = self.received_at.isoformat()

        status = self.status.value

        errors = []
        for errors_item_data in self.errors:
            errors_item = errors_item_data.to_dict()
            errors.append(errors_item)

        event = self.event.to_dict()

        resolved_at: str | Unset = UNSET
        if not isinstance(self.resolved_at, Unset):
            resolved_at = self.resolved_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "eventId": event_id,
                "eventType": event_type,
                "receivedAt": received_at,
                "status": status,
                "errors": errors,
                "event": event,
            }
        )
        if resolved_at is not UNSET:
            field_dict["resolvedAt"] = resolved_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.field_error import FieldError  # noqa: PLC0415
        from ..models.quarantined_event_event import QuarantinedEventEvent  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        event_id = UUID(d.pop("eventId"))

        event_type = d.pop("eventType")

        received_at = datetime.datetime.fromisoformat(d.pop("receivedAt"))

        status = QuarantinedEventStatus(d.pop("status"))

        errors = []
        _errors = d.pop("errors")
        for errors_item_data in _errors:
            errors_item = FieldError.from_dict(errors_item_data)

            errors.append(errors_item)

        event = QuarantinedEventEvent.from_dict(d.pop("event"))

        _resolved_at = d.pop("resolvedAt", UNSET)
        resolved_at: datetime.datetime | Unset
        if isinstance(_resolved_at, Unset):
            resolved_at = UNSET
        else:
            resolved_at = datetime.datetime.fromisoformat(_resolved_at)

        quarantined_event = cls(
            id=id,
            event_id=event_id,
            event_type=event_type,
            received_at=received_at,
            status=status,
            errors=errors,
            event=event,
            resolved_at=resolved_at,
        )

        quarantined_event.additional_properties = d
        return quarantined_event

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
