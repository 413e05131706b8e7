from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.lag_history_samples_item import LagHistorySamplesItem


T = TypeVar("T", bound="LagHistory")


@_attrs_define
class LagHistory:
    """
    Attributes:
        group (str):
        step_seconds (int):
        retention_seconds (int): How long samples are kept.
        samples (list[LagHistorySamplesItem]):
    """

    group: str
    step_seconds: int
    retention_seconds: int
    samples: list[LagHistorySamplesItem]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        group = self.group

        step_seconds = self.step_seconds

        retention_seconds = self.retention_seconds

        samples = []
        for samples_item_data in self.samples:
            samples_item = samples_item_data.to_dict()
            samples.append(samples_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "group": group,
                "stepSeconds": step_seconds,
                "retentionSeconds": retention_seconds,
                "samples": samples,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.lag_history_samples_item import LagHistorySamplesItem  # noqa: PLC0415

        d = dict(src_dict)
        group = d.pop("group")

        step_seconds = d.pop("stepSeconds")

        retention_seconds = d.pop("retentionSeconds")

        samples = []
        _samples = d.pop("samples")
        for samples_item_data in _samples:
            samples_item = LagHistorySamplesItem.from_dict(samples_item_data)

            samples.append(samples_item)

        lag_history = cls(
            group=group,
            step_seconds=step_seconds,
            retention_seconds=retention_seconds,
            samples=samples,
        )

        lag_history.additional_properties = d
        return lag_history

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
