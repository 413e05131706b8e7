from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="SignupRequest")


@_attrs_define
class SignupRequest:
    """
    Attributes:
        email (str):
        password (str): At least 12 characters.
        tenant_name (str): No control characters, no space at either end.
        name (str | Unset): No control characters, no space at either end.
    """

    email: str
    password: str
    tenant_name: str
    name: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        email = self.email

        password = self.password

        tenant_name = self.tenant_name

        name = self.name

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "email": email,
                "password": password,
                "tenantName": tenant_name,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        email = d.pop("email")

        password = d.pop("password")

        tenant_name = d.pop("tenantName")

        name = d.pop("name", UNSET)

        signup_request = cls(
            email=email,
            password=password,
            tenant_name=tenant_name,
            name=name,
        )

        return signup_request
