from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.key_usage_principal import KeyUsagePrincipal
from ..types import UNSET, Unset

T = TypeVar("T", bound="KeyUsage")


@_attrs_define
class KeyUsage:
    """
    Attributes:
        principal (KeyUsagePrincipal): An API key, or the tenant's members (access tokens) and signed webhooks together.
        events (int):
        requests (int):
        key_id (UUID | Unset):
        name (str | Unset):
    """

    principal: KeyUsagePrincipal
    events: int
    requests: int
    key_id: UUID | Unset = UNSET
    name: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        principal = self.principal.value

        events = self.events

        requests = self.requests

        key_id: str | Unset = UNSET
        if not isinstance(self.key_id, Unset):
            key_id = str(self.key_id)

        name = self.name

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "principal": principal,
                "events": events,
                "requests": requests,
            }
        )
        if key_id is not UNSET:
            field_dict["keyId"] = key_id
        if name is not UNSET:
            field_dict["name"] = name

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        principal = KeyUsagePrincipal(d.pop("principal"))

        events = d.pop("events")

        requests = d.pop("requests")

        _key_id = d.pop("keyId", UNSET)
        key_id: UUID | Unset
        if isinstance(_key_id, Unset):
            key_id = UNSET
        else:
            key_id = UUID(_key_id)

        name = d.pop("name", UNSET)

        key_usage = cls(
            principal=principal,
            events=events,
            requests=requests,
            key_id=key_id,
            name=name,
        )

        key_usage.additional_properties = d
        return key_usage

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
