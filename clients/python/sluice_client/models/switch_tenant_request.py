from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

T = TypeVar("T", bound="SwitchTenantRequest")


@_attrs_define
class SwitchTenantRequest:
    """
    Attributes:
        tenant_id (UUID):
    """

    tenant_id: UUID

    def to_dict(self) -> dict[str, Any]:
        tenant_id = str(self.tenant_id)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "tenantId": tenant_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        tenant_id = UUID(d.pop("tenantId"))

        switch_tenant_request = cls(
            tenant_id=tenant_id,
        )

        return switch_tenant_request
