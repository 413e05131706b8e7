from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.entity_activity_kind import EntityActivityKind
from ..models.entity_activity_resolution import EntityActivityResolution
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.entity_activity_buckets_item import EntityActivityBucketsItem


T = TypeVar("T", bound="EntityActivity")


@_attrs_define
class EntityActivity:
    """
    Attributes:
        kind (EntityActivityKind):
        entity (str):
        resolution (EntityActivityResolution):
        from_ (datetime.datetime):
        to (datetime.datetime):
        buckets (list[EntityActivityBucketsItem]):
        handle (str | Unset):
        account (str | Unset):
    """

    kind: EntityActivityKind
    entity: str
    resolution: EntityActivityResolution
    from_: datetime.datetime
    to: datetime.datetime
    buckets: list[EntityActivityBucketsItem]
    handle: str | Unset = UNSET
    account: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        kind = self.kind.value

        entity = self.entity

        resolution = self.resolution.value

        from_ = self.from_.isoformat()

        to = self.to.isoformat()

        buckets = []
        for buckets_item_data in self.buckets:
            buckets_item = buckets_item_data.to_dict()
            buckets.append(buckets_item)

        handle = self.handle

        account = self.account

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "kind": kind,
                "entity": entity,
                "resolution": resolution,
                "from": from_,
                "to": to,
                "buckets": buckets,
            }
        )
        if handle is not UNSET:
            field_dict["handle"] = handle
        if account is not UNSET:
            field_dict["account"] = account

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.entity_activity_buckets_item import EntityActivityBucketsItem  # noqa: PLC0415

        d = dict(src_dict)
        kind = EntityActivityKind(d.pop("kind"))

        entity = d.pop("entity")

        resolution = EntityActivityResolution(d.pop("resolution"))

        from_ = datetime.datetime.fromisoformat(d.pop("from"))

        to = datetime.datetime.fromisoformat(d.pop("to"))

        buckets = []
        _buckets = d.pop("buckets")
        for buckets_item_data in _buckets:
            buckets_item = EntityActivityBucketsItem.from_dict(buckets_item_data)

            buckets.append(buckets_item)

        handle = d.pop("handle", UNSET)

        account = d.pop("account", UNSET)

        entity_activity = cls(
            kind=kind,
            entity=entity,
            resolution=resolution,
            from_=from_,
            to=to,
            buckets=buckets,
            handle=handle,
            account=account,
        )

        entity_activity.additional_properties = d
        return entity_activity

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
