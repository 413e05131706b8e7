from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.effective_rate_limit_source import EffectiveRateLimitSource

T = TypeVar("T", bound="EffectiveRateLimit")


@_attrs_define
class EffectiveRateLimit:
    """
    Attributes:
        per_second (float): The average rate.
        burst (int): What may be spent at once.
        source (EffectiveRateLimitSource): Whether the tenant's plan or the key's own setting decides.
    """

    per_second: float
    burst: int
    source: EffectiveRateLimitSource
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        per_second = self.per_second

        burst = self.burst

        source = self.source.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "perSecond": per_second,
                "burst": burst,
                "source": source,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        per_second = d.pop("perSecond")

        burst = d.pop("burst")

        source = EffectiveRateLimitSource(d.pop("source"))

        effective_rate_limit = cls(
            per_second=per_second,
            burst=burst,
            source=source,
        )

        effective_rate_limit.additional_properties = d
        return effective_rate_limit

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
