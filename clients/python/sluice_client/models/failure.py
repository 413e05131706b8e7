from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.failure_kind import FailureKind
from ..types import UNSET, Unset

T = TypeVar("T", bound="Failure")


@_attrs_define
class Failure:
    """
    Attributes:
        kind (FailureKind):
        id (UUID): The dead letter's
        event_id (UUID):
        event_type (str):
        reason (str):
        failed_at (datetime.datetime):
        subscription (str | Unset): For deliveries.
        partition (int | Unset): Where the stored event is (deliveries and late events).
        offset (int | Unset):
        attempts (int | Unset):
    """

    kind: FailureKind
    id: UUID
    event_id: UUID
    event_type: str
    reason: str
    failed_at: datetime.datetime
    subscription: str | Unset = UNSET
    partition: int | Unset = UNSET
    offset: int | Unset = UNSET
    attempts: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        kind = self.kind.value

        id = str(self.id)

        event_id = str(self.event_id)

        event_type = self.event_type

        reason = self.reason

        failed_at = self.failed_at.isoformat()

        subscription = self.subscription

        partition = self.partition

        offset = self.offset

        attempts = self.attempts

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "kind": kind,
                "id": id,
                "eventId": event_id,
                "eventType": event_type,
                "reason": reason,
                "failedAt": failed_at,
            }
        )
        if subscription is not UNSET:
            field_dict["subscription"] = subscription
        if partition is not UNSET:
            field_dict["partition"] = partition
        if offset is not UNSET:
            field_dict["offset"] = offset
        if attempts is not UNSET:
            field_dict["attempts"] = attempts

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        kind = FailureKind(d.pop("kind"))

        id = UUID(d.pop("id"))

        event_id = UUID(d.pop("eventId"))

        event_type = d.pop("eventType")

        reason = d.pop("reason")

        failed_at = datetime.datetime.fromisoformat(d.pop("failedAt"))

        subscription = d.pop("subscription", UNSET)

        partition = d.pop("partition", UNSET)

        offset = d.pop("offset", UNSET)

        attempts = d.pop("attempts", UNSET)

        failure = cls(
            kind=kind,
            id=id,
            event_id=event_id,
            event_type=event_type,
            reason=reason,
            failed_at=failed_at,
            subscription=subscription,
            partition=partition,
            offset=offset,
            attempts=attempts,
        )

        failure.additional_properties = d
        return failure

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
