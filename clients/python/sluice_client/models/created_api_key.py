from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.api_key_scope import ApiKeyScope
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.api_key_rate_limits import ApiKeyRateLimits
    from ..models.principal import Principal


T = TypeVar("T", bound="CreatedApiKey")


@_attrs_define
class CreatedApiKey:
    """
    Attributes:
        id (UUID):
        name (str):
        prefix (str): The first characters of the secret
        scopes (list[ApiKeyScope]):
        created_by (Principal): Who acts, a user or an API key.
        created_at (datetime.datetime):
        secret (str): The key itself, `sk_live_…`. Shown once.
        streams (list[str] | Unset): The streams the key is limited to; absent means all.
        last_used_at (datetime.datetime | Unset):
        expires_at (datetime.datetime | Unset):
        revoked_at (datetime.datetime | Unset):
        rate_limits (ApiKeyRateLimits | Unset): The limits that apply to the key now.
    """

    id: UUID
    name: str
    prefix: str
    scopes: list[ApiKeyScope]
    created_by: Principal
    created_at: datetime.datetime
    secret: str
    streams: list[str] | Unset = UNSET
    last_used_at: datetime.datetime | Unset = UNSET
    expires_at: datetime.datetime | Unset = UNSET
    revoked_at: datetime.datetime | Unset = UNSET
    rate_limits: ApiKeyRateLimits | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        name = self.name

        prefix = self.prefix

        scopes = []
        for scopes_item_data in self.scopes:
            scopes_item = scopes_item_data.value
            scopes.append(scopes_item)

        created_by = self.created_by.to_dict()

        created_at = self.created_at.isoformat()

        secret = self.secret

        streams: list[str] | Unset = UNSET
        if not isinstance(self.streams, Unset):
            streams = self.streams

        last_used_at: str | Unset = UNSET
        if not isinstance(self.last_used_at, Unset):
            last_used_at = self.last_used_at.isoformat()

        expires_at: str | Unset = UNSET
        if not isinstance(self.expires_at, Unset):
            expires_at = self.expires_at.isoformat()

        revoked_at: str | Unset = UNSET
        if not isinstance(self.revoked_at, Unset):
            revoked_at = self.revoked_at.isoformat()

        rate_limits: dict[str, Any] | Unset = UNSET
        if not isinstance(self.rate_limits, Unset):
            rate_limits = self.rate_limits.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "prefix": prefix,
                "scopes": scopes,
                "createdBy": created_by,
                "createdAt": created_at,
                "secret": secret,
            }
        )
        if streams is not UNSET:
            field_dict["streams"] = streams
        if last_used_at is not UNSET:
            field_dict["lastUsedAt"] = last_used_at
        if expires_at is not UNSET:
            field_dict["expiresAt"] = expires_at
        if revoked_at is not UNSET:
            field_dict["revokedAt"] = revoked_at
        if rate_limits is not UNSET:
            field_dict["rateLimits"] = rate_limits

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.api_key_rate_limits import ApiKeyRateLimits  # noqa: PLC0415
        from ..models.principal import Principal  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        name = d.pop("name")

        prefix = d.pop("prefix")

        scopes = []
        _scopes = d.pop("scopes")
        for scopes_item_data in _scopes:
            scopes_item = ApiKeyScope(scopes_item_data)

            scopes.append(scopes_item)

        created_by = Principal.from_dict(d.pop("createdBy"))

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        secret = d.pop("secret")

        streams = cast(list[str], d.pop("streams", UNSET))

        _last_used_at = d.pop("lastUsedAt", UNSET)
        last_used_at: datetime.datetime | Unset
        if isinstance(_last_used_at, Unset):
            last_used_at = UNSET
        else:
            last_used_at = datetime.datetime.fromisoformat(_last_used_at)

        _expires_at = d.pop("expiresAt", UNSET)
        expires_at: datetime.datetime | Unset
        if isinstance(_expires_at, Unset):
            expires_at = UNSET
        else:
            expires_at = datetime.datetime.fromisoformat(_expires_at)

        _revoked_at = d.pop("revokedAt", UNSET)
        revoked_at: datetime.datetime | Unset
        if isinstance(_revoked_at, Unset):
            revoked_at = UNSET
        else:
            revoked_at = datetime.datetime.fromisoformat(_revoked_at)

        _rate_limits = d.pop("rateLimits", UNSET)
        rate_limits: ApiKeyRateLimits | Unset
        if isinstance(_rate_limits, Unset):
            rate_limits = UNSET
        else:
            rate_limits = ApiKeyRateLimits.from_dict(_rate_limits)

        created_api_key = cls(
            id=id,
            name=name,
            prefix=prefix,
            scopes=scopes,
            created_by=created_by,
            created_at=created_at,
            secret=secret,
            streams=streams,
            last_used_at=last_used_at,
            expires_at=expires_at,
            revoked_at=revoked_at,
            rate_limits=rate_limits,
        )

        created_api_key.additional_properties = d
        return created_api_key

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
