from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="RateLimitSetting")


@_attrs_define
class RateLimitSetting:
    """
    Attributes:
        per_second (float): Sustained rate; from one every 1,000 s up to the plan's.
        burst (int):
    """

    per_second: float
    burst: int

    def to_dict(self) -> dict[str, Any]:
        per_second = self.per_second

        burst = self.burst

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "perSecond": per_second,
                "burst": burst,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        per_second = d.pop("perSecond")

        burst = d.pop("burst")

        rate_limit_setting = cls(
            per_second=per_second,
            burst=burst,
        )

        return rate_limit_setting
