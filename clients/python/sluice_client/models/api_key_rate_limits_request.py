from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.rate_limit_setting import RateLimitSetting


T = TypeVar("T", bound="ApiKeyRateLimitsRequest")


@_attrs_define
class ApiKeyRateLimitsRequest:
    """
    Attributes:
        requests (RateLimitSetting | Unset):
        events (RateLimitSetting | Unset):
    """

    requests: RateLimitSetting | Unset = UNSET
    events: RateLimitSetting | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        requests: dict[str, Any] | Unset = UNSET
        if not isinstance(self.requests, Unset):
            requests = self.requests.to_dict()

        events: dict[str, Any] | Unset = UNSET
        if not isinstance(self.events, Unset):
            events = self.events.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if requests is not UNSET:
            field_dict["requests"] = requests
        if events is not UNSET:
            field_dict["events"] = events

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.rate_limit_setting import RateLimitSetting  # noqa: PLC0415

        d = dict(src_dict)
        _requests = d.pop("requests", UNSET)
        requests: RateLimitSetting | Unset
        if isinstance(_requests, Unset):
            requests = UNSET
        else:
            requests = RateLimitSetting.from_dict(_requests)

        _events = d.pop("events", UNSET)
        events: RateLimitSetting | Unset
        if isinstance(_events, Unset):
            events = UNSET
        else:
            events = RateLimitSetting.from_dict(_events)

        api_key_rate_limits_request = cls(
            requests=requests,
            events=events,
        )

        return api_key_rate_limits_request
