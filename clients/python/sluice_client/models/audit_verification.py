from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="AuditVerification")


@_attrs_define
class AuditVerification:
    """
    Attributes:
        valid (bool):
        checked (int): Entries checked.
        first_broken_seq (int | Unset):
        reason (str | Unset):
        keyed (int | Unset): Entries whose MAC (HMAC-SHA256 under a key the database does not hold) was checked; entries
            written before keys existed are not. A tenant with activity since then and 0 here has had its MACs removed.
    """

    valid: bool
    checked: int
    first_broken_seq: int | Unset = UNSET
    reason: str | Unset = UNSET
    keyed: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        valid = self.valid

        checked = self.checked

        first_broken_seq = self.first_broken_seq

        reason = self.reason

        keyed = self.keyed

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "valid": valid,
                "checked": checked,
            }
        )
        if first_broken_seq is not UNSET:
            field_dict["firstBrokenSeq"] = first_broken_seq
        if reason is not UNSET:
            field_dict["reason"] = reason
        if keyed is not UNSET:
            field_dict["keyed"] = keyed

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        valid = d.pop("valid")

        checked = d.pop("checked")

        first_broken_seq = d.pop("firstBrokenSeq", UNSET)

        reason = d.pop("reason", UNSET)

        keyed = d.pop("keyed", UNSET)

        audit_verification = cls(
            valid=valid,
            checked=checked,
            first_broken_seq=first_broken_seq,
            reason=reason,
            keyed=keyed,
        )

        audit_verification.additional_properties = d
        return audit_verification

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
