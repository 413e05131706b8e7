from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.api_key_scope import ApiKeyScope
from ..models.role import Role
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.membership import Membership
    from ..models.principal import Principal
    from ..models.tenant import Tenant
    from ..models.user import User


T = TypeVar("T", bound="Me")


@_attrs_define
class Me:
    """
    Attributes:
        principal (Principal): Who acts, a user or an API key.
        tenant (Tenant):
        permissions (list[str]): What the caller may do in this tenant.
        user (User | Unset):
        role (Role | Unset):
        scopes (list[ApiKeyScope] | Unset):
        memberships (list[Membership] | Unset):
    """

    principal: Principal
    tenant: Tenant
    permissions: list[str]
    user: User | Unset = UNSET
    role: Role | Unset = UNSET
    scopes: list[ApiKeyScope] | Unset = UNSET
    memberships: list[Membership] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        principal = self.principal.to_dict()

        tenant = self.tenant.to_dict()

        permissions = self.permissions

        user: dict[str, Any] | Unset = UNSET
        if not isinstance(self.user, Unset):
            user = self.user.to_dict()

        role: str | Unset = UNSET
        if not isinstance(self.role, Unset):
            role = self.role.value

        scopes: list[str] | Unset = UNSET
        if not isinstance(self.scopes, Unset):
            scopes = []
            for scopes_item_data in self.scopes:
                scopes_item = scopes_item_data.value
                scopes.append(scopes_item)

        memberships: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.memberships, Unset):
            memberships = []
            for memberships_item_data in self.memberships:
                memberships_item = memberships_item_data.to_dict()
                memberships.append(memberships_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "principal": principal,
                "tenant": tenant,
                "permissions": permissions,
            }
        )
        if user is not UNSET:
            field_dict["user"] = user
        if role is not UNSET:
            field_dict["role"] = role
        if scopes is not UNSET:
            field_dict["scopes"] = scopes
        if memberships is not UNSET:
            field_dict["memberships"] = memberships

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.membership import Membership  # noqa: PLC0415
        from ..models.principal import Principal  # noqa: PLC0415
        from ..models.tenant import Tenant  # noqa: PLC0415
        from ..models.user import User  # noqa: PLC0415

        d = dict(src_dict)
        principal = Principal.from_dict(d.pop("principal"))

        tenant = Tenant.from_dict(d.pop("tenant"))

        permissions = cast(list[str], d.pop("permissions"))

        _user = d.pop("user", UNSET)
        user: User | Unset
        if isinstance(_user, Unset):
            user = UNSET
        else:
            user = User.from_dict(_user)

        _role = d.pop("role", UNSET)
        role: Role | Unset
        if isinstance(_role, Unset):
            role = UNSET
        else:
            role = Role(_role)

        _scopes = d.pop("scopes", UNSET)
        scopes: list[ApiKeyScope] | Unset = UNSET
        if _scopes is not UNSET:
            scopes = []
            for scopes_item_data in _scopes:
                scopes_item = ApiKeyScope(scopes_item_data)

                scopes.append(scopes_item)

        _memberships = d.pop("memberships", UNSET)
        memberships: list[Membership] | Unset = UNSET
        if _memberships is not UNSET:
            memberships = []
            for memberships_item_data in _memberships:
                memberships_item = Membership.from_dict(memberships_item_data)

                memberships.append(memberships_item)

        me = cls(
            principal=principal,
            tenant=tenant,
            permissions=permissions,
            user=user,
            role=role,
            scopes=scopes,
            memberships=memberships,
        )

        me.additional_properties = d
        return me

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
