from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..models.pull_mapping_kind import PullMappingKind
from ..models.pull_mapping_platform import PullMappingPlatform
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.pull_mapping_metrics import PullMappingMetrics


T = TypeVar("T", bound="PullMapping")


@_attrs_define
class PullMapping:
    """
    Attributes:
        platform (PullMappingPlatform):
        metrics (PullMappingMetrics): Metric name → JSON pointer (RFC 6901) to a number (or a numeric string) in the
            answer, e.g. `{"followers": "/followers_count"}`.
        kind (PullMappingKind | Unset): account: the entity is an account (`social.account.metrics`); post: a post
            (`social.post.metrics`), its account read at `account`. Default: PullMappingKind.ACCOUNT.
        handle (str | Unset): A JSON pointer (RFC 6901) to the account's handle.
        account (str | Unset): For posts: a JSON pointer to the post's account id; required when `kind` is post.
    """

    platform: PullMappingPlatform
    metrics: PullMappingMetrics
    kind: PullMappingKind | Unset = PullMappingKind.ACCOUNT
    handle: str | Unset = UNSET
    account: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        platform = self.platform.value

        metrics = self.metrics.to_dict()

        kind: str | Unset = UNSET
        if not isinstance(self.kind, Unset):
            kind = self.kind.value

        handle = self.handle

        account = self.account

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "platform": platform,
                "metrics": metrics,
            }
        )
        if kind is not UNSET:
            field_dict["kind"] = kind
        if handle is not UNSET:
            field_dict["handle"] = handle
        if account is not UNSET:
            field_dict["account"] = account

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.pull_mapping_metrics import PullMappingMetrics  # noqa: PLC0415

        d = dict(src_dict)
        platform = PullMappingPlatform(d.pop("platform"))

        metrics = PullMappingMetrics.from_dict(d.pop("metrics"))

        _kind = d.pop("kind", UNSET)
        kind: PullMappingKind | Unset
        if isinstance(_kind, Unset):
            kind = UNSET
        else:
            kind = PullMappingKind(_kind)

        handle = d.pop("handle", UNSET)

        account = d.pop("account", UNSET)

        pull_mapping = cls(
            platform=platform,
            metrics=metrics,
            kind=kind,
            handle=handle,
            account=account,
        )

        return pull_mapping
