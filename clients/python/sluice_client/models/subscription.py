from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.subscription_state import SubscriptionState
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.consumer_group import ConsumerGroup


T = TypeVar("T", bound="Subscription")


@_attrs_define
class Subscription:
    """
    Attributes:
        id (UUID):
        name (str):
        stream (str):
        url (str):
        timeout_ms (int):
        retry_schedule (list[int]):
        max_attempts (int):
        strict_ordering (bool):
        circuit_failures (int):
        circuit_period_seconds (int):
        state (SubscriptionState): paused — by the API or by the circuit breaker (see pausedReason).
        consecutive_failures (int):
        retrying (int): Deliveries waiting for a retry.
        dead_letters (int): The dead-letter queue's depth.
        consumer_group (ConsumerGroup):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        event_types (list[str] | Unset):
        paused_at (datetime.datetime | Unset):
        paused_reason (str | Unset):
        failing_since (datetime.datetime | Unset):
        last_success_at (datetime.datetime | Unset):
        last_failure_at (datetime.datetime | Unset):
        last_error (str | Unset):
        oldest_dead_letter_age_seconds (float | Unset): Age of the oldest dead letter.
    """

    id: UUID
    name: str
    stream: str
    url: str
    timeout_ms: int
    retry_schedule: list[int]
    max_attempts: int
    strict_ordering: bool
    circuit_failures: int
    circuit_period_seconds: int
    state: SubscriptionState
    consecutive_failures: int
    retrying: int
    dead_letters: int
    consumer_group: ConsumerGroup
    created_at: datetime.datetime
    updated_at: datetime.datetime
    event_types: list[str] | Unset = UNSET
    paused_at: datetime.datetime | Unset = UNSET
    paused_reason: str | Unset = UNSET
    failing_since: datetime.datetime | Unset = UNSET
    last_success_at: datetime.datetime | Unset = UNSET
    last_failure_at: datetime.datetime | Unset = UNSET
    last_error: str | Unset = UNSET
    oldest_dead_letter_age_seconds: float | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        name = self.name

        stream = self.stream

        url = self.url

        timeout_ms = self.timeout_ms

        retry_schedule = self.retry_schedule

        max_attempts = self.max_attempts

        strict_ordering = self.strict_ordering

        circuit_failures = self.circuit_failures

        circuit_period_seconds = self.circuit_period_seconds

        state = self.state.value

        consecutive_failures = self.consecutive_failures

        retrying = self.retrying

        dead_letters = self.dead_letters

        consumer_group = self.consumer_group.to_dict()

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        event_types: list[str] | Unset = UNSET
        if not isinstance(self.event_types, Unset):
            event_types = self.event_types

        paused_at: str | Unset = UNSET
        if not isinstance(self.paused_at, Unset):
            paused_at = self.paused_at.isoformat()

        paused_reason = self.paused_reason

        failing_since: str | Unset = UNSET
        if not isinstance(self.failing_since, Unset):
            failing_since = self.failing_since.isoformat()

        last_success_at: str | Unset = UNSET
        if not isinstance(self.last_success_at, Unset):
            last_success_at = self.last_success_at.isoformat()

        last_failure_at: str | Unset = UNSET
        if not isinstance(self.last_failure_at, Unset):
            last_failure_at = self.last_failure_at.isoformat()

        last_error = self.last_error

        oldest_dead_letter_age_seconds = self.oldest_dead_letter_age_seconds

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "stream": stream,
                "url": url,
                "timeoutMs": timeout_ms,
                "retrySchedule": retry_schedule,
                "maxAttempts": max_attempts,
                "strictOrdering": strict_ordering,
                "circuitFailures": circuit_failures,
                "circuitPeriodSeconds": circuit_period_seconds,
                "state": state,
                "consecutiveFailures": consecutive_failures,
                "retrying": retrying,
                "deadLetters": dead_letters,
                "consumerGroup": consumer_group,
                "createdAt": created_at,
                "updatedAt": updated_at,
            }
        )
        if event_types is not UNSET:
            field_dict["eventTypes"] = event_types
        if paused_at is not UNSET:
            field_dict["pausedAt"] = paused_at
        if paused_reason is not UNSET:
            field_dict["pausedReason"] = paused_reason
        if failing_since is not UNSET:
            field_dict["failingSince"] = failing_since
        if last_success_at is not UNSET:
            field_dict["lastSuccessAt"] = last_success_at
        if last_failure_at is not UNSET:
            field_dict["lastFailureAt"] = last_failure_at
        if last_error is not UNSET:
            field_dict["lastError"] = last_error
        if oldest_dead_letter_age_seconds is not UNSET:
            field_dict["oldestDeadLetterAgeSeconds"] = oldest_dead_letter_age_seconds

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.consumer_group import ConsumerGroup  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        name = d.pop("name")

        stream = d.pop("stream")

        url = d.pop("url")

        timeout_ms = d.pop("timeoutMs")

        retry_schedule = cast(list[int], d.pop("retrySchedule"))

        max_attempts = d.pop("maxAttempts")

        strict_ordering = d.pop("strictOrdering")

        circuit_failures = d.pop("circuitFailures")

        circuit_period_seconds = d.pop("circuitPeriodSeconds")

        state = SubscriptionState(d.pop("state"))

        consecutive_failures = d.pop("consecutiveFailures")

        retrying = d.pop("retrying")

        dead_letters = d.pop("deadLetters")

        consumer_group = ConsumerGroup.from_dict(d.pop("consumerGroup"))

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updatedAt"))

        event_types = cast(list[str], d.pop("eventTypes", UNSET))

        _paused_at = d.pop("pausedAt", UNSET)
        paused_at: datetime.datetime | Unset
        if isinstance(_paused_at, Unset):
            paused_at = UNSET
        else:
            paused_at = datetime.datetime.fromisoformat(_paused_at)

        paused_reason = d.pop("pausedReason", UNSET)

        _failing_since = d.pop("failingSince", UNSET)
        failing_since: datetime.datetime | Unset
        if isinstance(_failing_since, Unset):
            failing_since = UNSET
        else:
            failing_since = datetime.datetime.fromisoformat(_failing_since)

        _last_success_at = d.pop("lastSuccessAt", UNSET)
        last_success_at: datetime.datetime | Unset
        if isinstance(_last_success_at, Unset):
            last_success_at = UNSET
        else:
            last_success_at = datetime.datetime.fromisoformat(_last_success_at)

        _last_failure_at = d.pop("lastFailureAt", UNSET)
        last_failure_at: datetime.datetime | Unset
        if isinstance(_last_failure_at, Unset):
            last_failure_at = UNSET
        else:
            last_failure_at = datetime.datetime.fromisoformat(_last_failure_at)

        last_error = d.pop("lastError", UNSET)

        oldest_dead_letter_age_seconds = d.pop("oldestDeadLetterAgeSeconds", UNSET)

        subscription = cls(
            id=id,
            name=name,
            stream=stream,
            url=url,
            timeout_ms=timeout_ms,
            retry_schedule=retry_schedule,
            max_attempts=max_attempts,
            strict_ordering=strict_ordering,
            circuit_failures=circuit_failures,
            circuit_period_seconds=circuit_period_seconds,
            state=state,
            consecutive_failures=consecutive_failures,
            retrying=retrying,
            dead_letters=dead_letters,
            consumer_group=consumer_group,
            created_at=created_at,
            updated_at=updated_at,
            event_types=event_types,
            paused_at=paused_at,
            paused_reason=paused_reason,
            failing_since=failing_since,
            last_success_at=last_success_at,
            last_failure_at=last_failure_at,
            last_error=last_error,
            oldest_dead_letter_age_seconds=oldest_dead_letter_age_seconds,
        )

        subscription.additional_properties = d
        return subscription

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
