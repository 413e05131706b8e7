from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.consumer_group_start import ConsumerGroupStart
from ..models.consumer_group_state import ConsumerGroupState
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.consumer_group_members_item import ConsumerGroupMembersItem
    from ..models.consumer_group_partition import ConsumerGroupPartition


T = TypeVar("T", bound="ConsumerGroup")


@_attrs_define
class ConsumerGroup:
    """
    Attributes:
        id (UUID):
        name (str):
        stream (str):
        start (ConsumerGroupStart):
        state (ConsumerGroupState): idle — caught up everywhere; active — behind and committing; stuck — behind with no
            commit for 5 minutes.
        lag (int): Events not yet consumed
        partitions (list[ConsumerGroupPartition]):
        created_at (datetime.datetime):
        start_at (datetime.datetime | Unset):
        members (list[ConsumerGroupMembersItem] | Unset): Live members in join order, with their partitions; for a group
            a subscription pushes, the workers holding its partitions (by worker id).
    """

    id: UUID
    name: str
    stream: str
    start: ConsumerGroupStart
    state: ConsumerGroupState
    lag: int
    partitions: list[ConsumerGroupPartition]
    created_at: datetime.datetime
    start_at: datetime.datetime | Unset = UNSET
    members: list[ConsumerGroupMembersItem] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        name = self.name

        stream = self.stream

        start = self.start.value

        state = self.state.value

        lag = self.lag

        partitions = []
        for partitions_item_data in self.partitions:
            partitions_item = partitions_item_data.to_dict()
            partitions.append(partitions_item)

        created_at = self.created_at.isoformat()

        start_at: str | Unset = UNSET
        if not isinstance(self.start_at, Unset):
            start_at = self.start_at.isoformat()

        members: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.members, Unset):
            members = []
            for members_item_data in self.members:
                members_item = members_item_data.to_dict()
                members.append(members_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "stream": stream,
                "start": start,
                "state": state,
                "lag": lag,
                "partitions": partitions,
                "createdAt": created_at,
            }
        )
        if start_at is not UNSET:
            field_dict["startAt"] = start_at
        if members is not UNSET:
            field_dict["members"] = members

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.consumer_group_members_item import ConsumerGroupMembersItem  # noqa: PLC0415
        from ..models.consumer_group_partition import ConsumerGroupPartition  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        name = d.pop("name")

        stream = d.pop("stream")

        start = ConsumerGroupStart(d.pop("start"))

        state = ConsumerGroupState(d.pop("state"))

        lag = d.pop("lag")

        partitions = []
        _partitions = d.pop("partitions")
        for partitions_item_data in _partitions:
            partitions_item = ConsumerGroupPartition.from_dict(partitions_item_data)

            partitions.append(partitions_item)

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        _start_at = d.pop("startAt", UNSET)
        start_at: datetime.datetime | Unset
        if isinstance(_start_at, Unset):
            start_at = UNSET
        else:
            start_at = datetime.datetime.fromisoformat(_start_at)

        _members = d.pop("members", UNSET)
        members: list[ConsumerGroupMembersItem] | Unset = UNSET
        if _members is not UNSET:
            members = []
            for members_item_data in _members:
                members_item = ConsumerGroupMembersItem.from_dict(members_item_data)

                members.append(members_item)

        consumer_group = cls(
            id=id,
            name=name,
            stream=stream,
            start=start,
            state=state,
            lag=lag,
            partitions=partitions,
            created_at=created_at,
            start_at=start_at,
            members=members,
        )

        consumer_group.additional_properties = d
        return consumer_group

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
