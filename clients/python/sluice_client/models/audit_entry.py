from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.audit_entry_details import AuditEntryDetails
    from ..models.principal import Principal


T = TypeVar("T", bound="AuditEntry")


@_attrs_define
class AuditEntry:
    """
    Attributes:
        seq (int): Position in the tenant's chain
        occurred_at (datetime.datetime):
        actor (Principal): Who acts, a user or an API key.
        action (str): e.g. `auth.login`, `auth.login.failed`, `member.role.changed`, `apikey.revoked`.
        hash_ (str): Hex SHA-256 chaining this entry to the previous one.
        target_type (str | Unset):
        target_id (str | Unset):
        details (AuditEntryDetails | Unset):
        client_ip (str | Unset):
        request_id (str | Unset):
    """

    seq: int
    occurred_at: datetime.datetime
    actor: Principal
    action: str
    hash_: str
    target_type: str | Unset = UNSET
    target_id: str | Unset = UNSET
    details: AuditEntryDetails | Unset = UNSET
    client_ip: str | Unset = UNSET
    request_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        seq = self.seq

        occurred_at = self.occurred_at.isoformat()

        actor = self.actor.to_dict()

        action = self.action

        hash_ = self.hash_

        target_type = self.target_type

        target_id = self.target_id

        details: dict[str, Any] | Unset = UNSET
        if not isinstance(self.details, Unset):
            details = self.details.to_dict()

        client_ip = self.client_ip

        request_id = self.request_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "seq": seq,
                "occurredAt": occurred_at,
                "actor": actor,
                "action": action,
                "hash": hash_,
            }
        )
        if target_type is not UNSET:
            field_dict["targetType"] = target_type
        if target_id is not UNSET:
            field_dict["targetId"] = target_id
        if details is not UNSET:
            field_dict["details"] = details
        if client_ip is not UNSET:
            field_dict["clientIp"] = client_ip
        if request_id is not UNSET:
            field_dict["requestId"] = request_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.audit_entry_details import AuditEntryDetails  # noqa: PLC0415
        from ..models.principal import Principal  # noqa: PLC0415

        d = dict(src_dict)
        seq = d.pop("seq")

        occurred_at = datetime.datetime.fromisoformat(d.pop("occurredAt"))

        actor = Principal.from_dict(d.pop("actor"))

        action = d.pop("action")

        hash_ = d.pop("hash")

        target_type = d.pop("targetType", UNSET)

        target_id = d.pop("targetId", UNSET)

        _details = d.pop("details", UNSET)
        details: AuditEntryDetails | Unset
        if isinstance(_details, Unset):
            details = UNSET
        else:
            details = AuditEntryDetails.from_dict(_details)

        client_ip = d.pop("clientIp", UNSET)

        request_id = d.pop("requestId", UNSET)

        audit_entry = cls(
            seq=seq,
            occurred_at=occurred_at,
            actor=actor,
            action=action,
            hash_=hash_,
            target_type=target_type,
            target_id=target_id,
            details=details,
            client_ip=client_ip,
            request_id=request_id,
        )

        audit_entry.additional_properties = d
        return audit_entry

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
