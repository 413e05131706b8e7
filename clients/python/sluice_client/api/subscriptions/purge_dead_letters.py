from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.dead_letter_count import DeadLetterCount
from ...models.dead_letter_selection import DeadLetterSelection
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    stream: str,
    subscription: str,
    *,
    body: DeadLetterSelection,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/streams/{stream}/subscriptions/{subscription}/dead-letters/purge".format(
            stream=quote(str(stream), safe=""),
            subscription=quote(str(subscription), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DeadLetterCount | Problem | None:
    if response.status_code == 200:
        response_200 = DeadLetterCount.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = Problem.from_dict(response.json())

        return response_415

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[DeadLetterCount | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    stream: str,
    subscription: str,
    *,
    client: AuthenticatedClient | Client,
    body: DeadLetterSelection,
) -> Response[DeadLetterCount | Problem]:
    """Remove dead letters (by ids, by filter, or all); the events stay in the stream

     Needs `streams:manage`; audited. With `dryRun` it counts what would be removed and changes nothing.

    Args:
        stream (str):
        subscription (str):
        body (DeadLetterSelection): Exactly one of ids, filter, all (true); `dryRun` only counts.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeadLetterCount | Problem]
    """

    kwargs = _get_kwargs(
        stream=stream,
        subscription=subscription,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    stream: str,
    subscription: str,
    *,
    client: AuthenticatedClient | Client,
    body: DeadLetterSelection,
) -> DeadLetterCount | Problem | None:
    """Remove dead letters (by ids, by filter, or all); the events stay in the stream

     Needs `streams:manage`; audited. With `dryRun` it counts what would be removed and changes nothing.

    Args:
        stream (str):
        subscription (str):
        body (DeadLetterSelection): Exactly one of ids, filter, all (true); `dryRun` only counts.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeadLetterCount | Problem
    """

    return sync_detailed(
        stream=stream,
        subscription=subscription,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    stream: str,
    subscription: str,
    *,
    client: AuthenticatedClient | Client,
    body: DeadLetterSelection,
) -> Response[DeadLetterCount | Problem]:
    """Remove dead letters (by ids, by filter, or all); the events stay in the stream

     Needs `streams:manage`; audited. With `dryRun` it counts what would be removed and changes nothing.

    Args:
        stream (str):
        subscription (str):
        body (DeadLetterSelection): Exactly one of ids, filter, all (true); `dryRun` only counts.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeadLetterCount | Problem]
    """

    kwargs = _get_kwargs(
        stream=stream,
        subscription=subscription,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    stream: str,
    subscription: str,
    *,
    client: AuthenticatedClient | Client,
    body: DeadLetterSelection,
) -> DeadLetterCount | Problem | None:
    """Remove dead letters (by ids, by filter, or all); the events stay in the stream

     Needs `streams:manage`; audited. With `dryRun` it counts what would be removed and changes nothing.

    Args:
        stream (str):
        subscription (str):
        body (DeadLetterSelection): Exactly one of ids, filter, all (true); `dryRun` only counts.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeadLetterCount | Problem
    """

    return (
        await asyncio_detailed(
            stream=stream,
            subscription=subscription,
            client=client,
            body=body,
        )
    ).parsed
