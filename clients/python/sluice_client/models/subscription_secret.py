from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="SubscriptionSecret")


@_attrs_define
class SubscriptionSecret:
    """
    Attributes:
        secret (str):
        previous_valid_until (datetime.datetime | Unset): After a rotation
    """

    secret: str
    previous_valid_until: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        secret = self.secret

        previous_valid_until: str | Unset = UNSET
        if not isinstance(self.previous_valid_until, Unset):
            previous_valid_until = self.previous_valid_until.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "secret": secret,
            }
        )
        if previous_valid_until is not UNSET:
            field_dict["previousValidUntil"] = previous_valid_until

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        secret = d.pop("secret")

        _previous_valid_until = d.pop("previousValidUntil", UNSET)
        previous_valid_until: datetime.datetime | Unset
        if isinstance(_previous_valid_until, Unset):
            previous_valid_until = UNSET
        else:
            previous_valid_until = datetime.datetime.fromisoformat(_previous_valid_until)

        subscription_secret = cls(
            secret=secret,
            previous_valid_until=previous_valid_until,
        )

        subscription_secret.additional_properties = d
        return subscription_secret

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
