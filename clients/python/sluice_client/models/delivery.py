from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.delivery_status import DeliveryStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.delivery_attempt import DeliveryAttempt
    from ..models.event import Event


T = TypeVar("T", bound="Delivery")


@_attrs_define
class Delivery:
    """
    Attributes:
        id (UUID):
        subscription (str):
        partition (int):
        offset (int):
        event_id (UUID):
        event_type (str):
        status (DeliveryStatus):
        attempts_made (int): Attempts in the current series.
        attempts (list[DeliveryAttempt]):
        created_at (datetime.datetime):
        next_attempt_at (datetime.datetime | Unset):
        last_status (int | Unset):
        last_error (str | Unset):
        dead_at (datetime.datetime | Unset):
        event (Event | Unset):
    """

    id: UUID
    subscription: str
    partition: int
    offset: int
    event_id: UUID
    event_type: str
    status: DeliveryStatus
    attempts_made: int
    attempts: list[DeliveryAttempt]
    created_at: datetime.datetime
    next_attempt_at: datetime.datetime | Unset = UNSET
    last_status: int | Unset = UNSET
    last_error: str | Unset = UNSET
    dead_at: datetime.datetime | Unset = UNSET
    event: Event | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        subscription = self.subscription

        partition = self.partition

        offset = self.offset

        event_id = str(self.event_id)

        event_type = self.event_type

        status = self.status.value

        attempts_made = self.attempts_made

        attempts = []
        for attempts_item_data in self.attempts:
            attempts_item = attempts_item_data.to_dict()
            attempts.append(attempts_item)

        created_at = self.created_at.isoformat()

        next_attempt_at: str | Unset = UNSET
        if not isinstance(self.next_attempt_at, Unset):
            next_attempt_at = self.next_attempt_at.isoformat()

        last_status = self.last_status

        last_error = self.last_error

        dead_at: str | Unset = UNSET
        if not isinstance(self.dead_at, Unset):
            dead_at = self.dead_at.isoformat()

        event: dict[str, Any] | Unset = UNSET
        if not isinstance(self.event, Unset):
            event = self.event.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "subscription": subscription,
                "partition": partition,
                "offset": offset,
                "eventId": event_id,
                "eventType": event_type,
                "status": status,
                "attemptsMade": attempts_made,
                "attempts": attempts,
                "createdAt": created_at,
            }
        )
        if next_attempt_at is not UNSET:
            field_dict["nextAttemptAt"] = next_attempt_at
        if last_status is not UNSET:
            field_dict["lastStatus"] = last_status
        if last_error is not UNSET:
            field_dict["lastError"] = last_error
        if dead_at is not UNSET:
            field_dict["deadAt"] = dead_at
        if event is not UNSET:
            field_dict["event"] = event

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.delivery_attempt import DeliveryAttempt  # noqa: PLC0415
        from ..models.event import Event  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        subscription = d.pop("subscription")

        partition = d.pop("partition")

        offset = d.pop("offset")

        event_id = UUID(d.pop("eventId"))

        event_type = d.pop("eventType")

        status = DeliveryStatus(d.pop("status"))

        attempts_made = d.pop("attemptsMade")

        attempts = []
        _attempts = d.pop("attempts")
        for attempts_item_data in _attempts:
            attempts_item = DeliveryAttempt.from_dict(attempts_item_data)

            attempts.append(attempts_item)

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        _next_attempt_at = d.pop("nextAttemptAt", UNSET)
        next_attempt_at: datetime.datetime | Unset
        if isinstance(_next_attempt_at, Unset):
            next_attempt_at = UNSET
        else:
            next_attempt_at = datetime.datetime.fromisoformat(_next_attempt_at)

        last_status = d.pop("lastStatus", UNSET)

        last_error = d.pop("lastError", UNSET)

        _dead_at = d.pop("deadAt", UNSET)
        dead_at: datetime.datetime | Unset
        if isinstance(_dead_at, Unset):
            dead_at = UNSET
        else:
            dead_at = datetime.datetime.fromisoformat(_dead_at)

        _event = d.pop("event", UNSET)
        event: Event | Unset
        if isinstance(_event, Unset):
            event = UNSET
        else:
            event = Event.from_dict(_event)

        delivery = cls(
            id=id,
            subscription=subscription,
            partition=partition,
            offset=offset,
            event_id=event_id,
            event_type=event_type,
            status=status,
            attempts_made=attempts_made,
            attempts=attempts,
            created_at=created_at,
            next_attempt_at=next_attempt_at,
            last_status=last_status,
            last_error=last_error,
            dead_at=dead_at,
            event=event,
        )

        delivery.additional_properties = d
        return delivery

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
