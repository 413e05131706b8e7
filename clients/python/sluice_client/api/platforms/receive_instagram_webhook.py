from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.batch_result import BatchResult
from ...models.platform_payload import PlatformPayload
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    webhook_id: UUID,
    *,
    body: PlatformPayload,
    x_hub_signature_256: str,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    headers["X-Hub-Signature-256"] = x_hub_signature_256

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/webhooks/instagram/{webhook_id}".format(
            webhook_id=quote(str(webhook_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> BatchResult | Problem | None:
    if response.status_code == 200:
        response_200 = BatchResult.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = Problem.from_dict(response.json())

        return response_415

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[BatchResult | Problem]:
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
    body: PlatformPayload,
    x_hub_signature_256: str,
) -> Response[BatchResult | Problem]:
    """An Instagram webhook notification (comments, mentions)

     Authenticated by `X-Hub-Signature-256` (HMAC-SHA256 of the raw body with the app secret), not by a
    bearer credential; a missing or wrong signature is 401.

    Args:
        webhook_id (UUID):
        x_hub_signature_256 (str):
        body (PlatformPayload): A platform's own JSON, as its API or webhook sends it.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BatchResult | Problem]
    """

    kwargs = _get_kwargs(
        webhook_id=webhook_id,
        body=body,
        x_hub_signature_256=x_hub_signature_256,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    webhook_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    body: PlatformPayload,
    x_hub_signature_256: str,
) -> BatchResult | Problem | None:
    """An Instagram webhook notification (comments, mentions)

     Authenticated by `X-Hub-Signature-256` (HMAC-SHA256 of the raw body with the app secret), not by a
    bearer credential; a missing or wrong signature is 401.

    Args:
        webhook_id (UUID):
        x_hub_signature_256 (str):
        body (PlatformPayload): A platform's own JSON, as its API or webhook sends it.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BatchResult | Problem
    """

    return sync_detailed(
        webhook_id=webhook_id,
        client=client,
        body=body,
        x_hub_signature_256=x_hub_signature_256,
    ).parsed


async def asyncio_detailed(
    webhook_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    body: PlatformPayload,
    x_hub_signature_256: str,
) -> Response[BatchResult | Problem]:
    """An Instagram webhook notification (comments, mentions)

     Authenticated by `X-Hub-Signature-256` (HMAC-SHA256 of the raw body with the app secret), not by a
    bearer credential; a missing or wrong signature is 401.

    Args:
        webhook_id (UUID):
        x_hub_signature_256 (str):
        body (PlatformPayload): A platform's own JSON, as its API or webhook sends it.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BatchResult | Problem]
    """

    kwargs = _get_kwargs(
        webhook_id=webhook_id,
        body=body,
        x_hub_signature_256=x_hub_signature_256,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    webhook_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    body: PlatformPayload,
    x_hub_signature_256: str,
) -> BatchResult | Problem | None:
    """An Instagram webhook notification (comments, mentions)

     Authenticated by `X-Hub-Signature-256` (HMAC-SHA256 of the raw body with the app secret), not by a
    bearer credential; a missing or wrong signature is 401.

    Args:
        webhook_id (UUID):
        x_hub_signature_256 (str):
        body (PlatformPayload): A platform's own JSON, as its API or webhook sends it.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BatchResult | Problem
    """

    return (
        await asyncio_detailed(
            webhook_id=webhook_id,
            client=client,
            body=body,
            x_hub_signature_256=x_hub_signature_256,
        )
    ).parsed
