from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="InstagramWebhookInput")


@_attrs_define
class InstagramWebhookInput:
    """
    Attributes:
        app_secret (str): The Meta app secret that signs notifications.
        verify_token (str): The token Meta sends back in the handshake.
    """

    app_secret: str
    verify_token: str

    def to_dict(self) -> dict[str, Any]:
        app_secret = self.app_secret

        verify_token = self.verify_token

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "appSecret": app_secret,
                "verifyToken": verify_token,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        app_secret = d.pop("appSecret")

        verify_token = d.pop("verifyToken")

        instagram_webhook_input = cls(
            app_secret=app_secret,
            verify_token=verify_token,
        )

        return instagram_webhook_input
