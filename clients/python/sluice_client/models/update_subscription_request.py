from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="UpdateSubscriptionRequest")


@_attrs_define
class UpdateSubscriptionRequest:
    """
    Attributes:
        url (str | Unset): An http(s) URL without credentials (a host name or IPv4 address, printable ASCII). Loopback,
            private and link-local addresses are refused unless the server allows them
            (SLUICE_WEBHOOK_ALLOW_PRIVATE_NETWORKS).
        event_types (list[str] | Unset): Only these event types are posted (the others are passed over); empty — every
            type; absent — unchanged (on create, every type).
        timeout_ms (int | Unset):  Default: 15000.
        retry_schedule (list[int] | Unset): Seconds before retry 1, 2, … (the last repeats up to maxAttempts), each ±10
            % jitter. Default 5, 300, 1800, 7200, 18000, 36000 (Svix's).
        max_attempts (int | Unset): Attempts in all, the first included; default: one more than the schedule has delays.
        strict_ordering (bool | Unset): A failing event holds its partition (retried in place on the schedule) instead
            of moving aside. Default: False.
        circuit_failures (int | Unset):  Default: 50.
        circuit_period_seconds (int | Unset):  Default: 600.
    """

    url: str | Unset = UNSET
    event_types: list[str] | Unset = UNSET
    timeout_ms: int | Unset = 15000
    retry_schedule: list[int] | Unset = UNSET
    max_attempts: int | Unset = UNSET
    strict_ordering: bool | Unset = False
    circuit_failures: int | Unset = 50
    circuit_period_seconds: int | Unset = 600

    def to_dict(self) -> dict[str, Any]:
        url = self.url

        event_types: list[str] | Unset = UNSET
        if not isinstance(self.event_types, Unset):
            event_types = self.event_types

        timeout_ms = self.timeout_ms

        retry_schedule: list[int] | Unset = UNSET
        if not isinstance(self.retry_schedule, Unset):
            retry_schedule = self.retry_schedule

        max_attempts = self.max_attempts

        strict_ordering = self.strict_ordering

        circuit_failures = self.circuit_failures

        circuit_period_seconds = self.circuit_period_seconds

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if url is not UNSET:
            field_dict["url"] = url
        if event_types is not UNSET:
            field_dict["eventTypes"] = event_types
        if timeout_ms is not UNSET:
            field_dict["timeoutMs"] = timeout_ms
        if retry_schedule is not UNSET:
            field_dict["retrySchedule"] = retry_schedule
        if max_attempts is not UNSET:
            field_dict["maxAttempts"] = max_attempts
        if strict_ordering is not UNSET:
            field_dict["strictOrdering"] = strict_ordering
        if circuit_failures is not UNSET:
            field_dict["circuitFailures"] = circuit_failures
        if circuit_period_seconds is not UNSET:
            field_dict["circuitPeriodSeconds"] = circuit_period_seconds

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        url = d.pop("url", UNSET)

        event_types = cast(list[str], d.pop("eventTypes", UNSET))

        timeout_ms = d.pop("timeoutMs", UNSET)

        retry_schedule = cast(list[int], d.pop("retrySchedule", UNSET))

        max_attempts = d.pop("maxAttempts", UNSET)

        strict_ordering = d.pop("strictOrdering", UNSET)

        circuit_failures = d.pop("circuitFailures", UNSET)

        circuit_period_seconds = d.pop("circuitPeriodSeconds", UNSET)

        update_subscription_request = cls(
            url=url,
            event_types=event_types,
            timeout_ms=timeout_ms,
            retry_schedule=retry_schedule,
            max_attempts=max_attempts,
            strict_ordering=strict_ordering,
            circuit_failures=circuit_failures,
            circuit_period_seconds=circuit_period_seconds,
        )

        return update_subscription_request
