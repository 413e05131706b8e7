from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.dead_letter_selection_filter import DeadLetterSelectionFilter


T = TypeVar("T", bound="DeadLetterSelection")


@_attrs_define
class DeadLetterSelection:
    """Exactly one of ids, filter, all (true); `dryRun` only counts.

    Attributes:
        ids (list[UUID] | Unset):
        filter_ (DeadLetterSelectionFilter | Unset):
        all_ (bool | Unset):
        dry_run (bool | Unset): Count what the selection holds and change nothing (not audited). Default: False.
    """

    ids: list[UUID] | Unset = UNSET
    filter_: DeadLetterSelectionFilter | Unset = UNSET
    all_: bool | Unset = UNSET
    dry_run: bool | Unset = False

    def to_dict(self) -> dict[str, Any]:
        ids: list[str] | Unset = UNSET
        if not isinstance(self.ids, Unset):
            ids = []
            for ids_item_data in self.ids:
                ids_item = str(ids_item_data)
                ids.append(ids_item)

        filter_: dict[str, Any] | Unset = UNSET
        if not isinstance(self.filter_, Unset):
            filter_ = self.filter_.to_dict()

        all_ = self.all_

        dry_run = self.dry_run

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if ids is not UNSET:
            field_dict["ids"] = ids
        if filter_ is not UNSET:
            field_dict["filter"] = filter_
        if all_ is not UNSET:
            field_dict["all"] = all_
        if dry_run is not UNSET:
            field_dict["dryRun"] = dry_run

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.dead_letter_selection_filter import DeadLetterSelectionFilter  # noqa: PLC0415

        d = dict(src_dict)
        _ids = d.pop("ids", UNSET)
        ids: list[UUID] | Unset = UNSET
        if _ids is not UNSET:
            ids = []
            for ids_item_data in _ids:
                ids_item = UUID(ids_item_data)

                ids.append(ids_item)

        _filter_ = d.pop("filter", UNSET)
        filter_: DeadLetterSelectionFilter | Unset
        if isinstance(_filter_, Unset):
            filter_ = UNSET
        else:
            filter_ = DeadLetterSelectionFilter.from_dict(_filter_)

        all_ = d.pop("all", UNSET)

        dry_run = d.pop("dryRun", UNSET)

        dead_letter_selection = cls(
            ids=ids,
            filter_=filter_,
            all_=all_,
            dry_run=dry_run,
        )

        return dead_letter_selection
