from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    webhook_id: UUID,
    *,
    hub_mode: str | Unset = UNSET,
    hub_verify_token: str | Unset = UNSET,
    hub_challenge: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["hub.mode"] = hub_mode

    params["hub.verify_token"] = hub_verify_token

    params["hub.challenge"] = hub_challenge

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/webhooks/instagram/{webhook_id}".format(
            webhook_id=quote(str(webhook_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | str | None:
    if response.status_code == 200:
        response_200 = response.text
        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | str]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    webhook_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    hub_mode: str | Unset = UNSET,
    hub_verify_token: str | Unset = UNSET,
    hub_challenge: str | Unset = UNSET,
) -> Response[Problem | str]:
    """Meta's subscription handshake

     Answers `hub.challenge` when `hub.mode` is `subscribe` and `hub.verify_token` matches; 403
    otherwise.

    Args:
        webhook_id (UUID):
        hub_mode (str | Unset):
        hub_verify_token (str | Unset):
        hub_challenge (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | str]
    """

    kwargs = _get_kwargs(
        webhook_id=webhook_id,
        hub_mode=hub_mode,
        hub_verify_token=hub_verify_token,
        hub_challenge=hub_challenge,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    webhook_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    hub_mode: str | Unset = UNSET,
    hub_verify_token: str | Unset = UNSET,
    hub_challenge: str | Unset = UNSET,
) -> Problem | str | None:
    """Meta's subscription handshake

     Answers `hub.challenge` when `hub.mode` is `subscribe` and `hub.verify_token` matches; 403
    otherwise.

    Args:
        webhook_id (UUID):
        hub_mode (str | Unset):
        hub_verify_token (str | Unset):
        hub_challenge (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | str
    """

    return sync_detailed(
        webhook_id=webhook_id,
        client=client,
        hub_mode=hub_mode,
        hub_verify_token=hub_verify_token,
        hub_challenge=hub_challenge,
    ).parsed


async def asyncio_detailed(
    webhook_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    hub_mode: str | Unset = UNSET,
    hub_verify_token: str | Unset = UNSET,
    hub_challenge: str | Unset = UNSET,
) -> Response[Problem | str]:
    """Meta's subscription handshake

     Answers `hub.challenge` when `hub.mode` is `subscribe` and `hub.verify_token` matches; 403
    otherwise.

    Args:
        webhook_id (UUID):
        hub_mode (str | Unset):
        hub_verify_token (str | Unset):
        hub_challenge (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | str]
    """

    kwargs = _get_kwargs(
        webhook_id=webhook_id,
        hub_mode=hub_mode,
        hub_verify_token=hub_verify_token,
        hub_challenge=hub_challenge,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    webhook_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    hub_mode: str | Unset = UNSET,
    hub_verify_token: str | Unset = UNSET,
    hub_challenge: str | Unset = UNSET,
) -> Problem | str | None:
    """Meta's subscription handshake

     Answers `hub.challenge` when `hub.mode` is `subscribe` and `hub.verify_token` matches; 403
    otherwise.

    Args:
        webhook_id (UUID):
        hub_mode (str | Unset):
        hub_verify_token (str | Unset):
        hub_challenge (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | str
    """

    return (
        await asyncio_detailed(
            webhook_id=webhook_id,
            client=client,
            hub_mode=hub_mode,
            hub_verify_token=hub_verify_token,
            hub_challenge=hub_challenge,
        )
    ).parsed
