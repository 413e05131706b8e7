from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.ingest_result import IngestResult


T = TypeVar("T", bound="BatchResult")


@_attrs_define
class BatchResult:
    """
    Attributes:
        stored (int):
        duplicates (int):
        rejected (int):
        failed (int):
        results (list[IngestResult]):
    """

    stored: int
    duplicates: int
    rejected: int
    failed: int
    results: list[IngestResult]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        stored = self.stored

        duplicates = self.duplicates

        rejected = self.rejected

        failed = self.failed

        results = []
        for results_item_data in self.results:
            results_item = results_item_data.to_dict()
            results.append(results_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "stored": stored,
                "duplicates": duplicates,
                "rejected": rejected,
                "failed": failed,
                "results": results,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.ingest_result import IngestResult  # noqa: PLC0415

        d = dict(src_dict)
        stored = d.pop("stored")

        duplicates = d.pop("duplicates")

        rejected = d.pop("rejected")

        failed = d.pop("failed")

        results = []
        _results = d.pop("results")
        for results_item_data in _results:
            results_item = IngestResult.from_dict(results_item_data)

            results.append(results_item)

        batch_result = cls(
            stored=stored,
            duplicates=duplicates,
            rejected=rejected,
            failed=failed,
            results=results,
        )

        batch_result.additional_properties = d
        return batch_result

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
