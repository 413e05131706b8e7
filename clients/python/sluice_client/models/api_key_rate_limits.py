from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.effective_rate_limit import EffectiveRateLimit


T = TypeVar("T", bound="ApiKeyRateLimits")


@_attrs_define
class ApiKeyRateLimits:
    """The limits that apply to the key now.

    Attributes:
        requests (EffectiveRateLimit):
        events (EffectiveRateLimit):
    """

    requests: EffectiveRateLimit
    events: EffectiveRateLimit
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        requests = self.requests.to_dict()

        events = self.events.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "requests": requests,
                "events": events,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.effective_rate_limit import EffectiveRateLimit  # noqa: PLC0415

        d = dict(src_dict)
        requests = EffectiveRateLimit.from_dict(d.pop("requests"))

        events = EffectiveRateLimit.from_dict(d.pop("events"))

        api_key_rate_limits = cls(
            requests=requests,
            events=events,
        )

        api_key_rate_limits.additional_properties = d
        return api_key_rate_limits

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
