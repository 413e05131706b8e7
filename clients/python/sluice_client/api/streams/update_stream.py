from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.stream import Stream
from ...models.update_stream_request import UpdateStreamRequest
from ...types import Response


def _get_kwargs(
    stream: str,
    *,
    body: UpdateStreamRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/v1/streams/{stream}".format(
            stream=quote(str(stream), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | Stream | None:
    if response.status_code == 200:
        response_200 = Stream.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | Stream]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    stream: str,
    *,
    client: AuthenticatedClient | Client,
    body: UpdateStreamRequest,
) -> Response[Problem | Stream]:
    """Change a stream; partitions may grow, never shrink

     Growing the partition count changes which partition a key hashes to from then on;
    events already stored keep their partition and offset.

    Args:
        stream (str):
        body (UpdateStreamRequest): Only the members present change.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Stream]
    """

    kwargs = _get_kwargs(
        stream=stream,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    stream: str,
    *,
    client: AuthenticatedClient | Client,
    body: UpdateStreamRequest,
) -> Problem | Stream | None:
    """Change a stream; partitions may grow, never shrink

     Growing the partition count changes which partition a key hashes to from then on;
    events already stored keep their partition and offset.

    Args:
        stream (str):
        body (UpdateStreamRequest): Only the members present change.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Stream
    """

    return sync_detailed(
        stream=stream,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    stream: str,
    *,
    client: AuthenticatedClient | Client,
    body: UpdateStreamRequest,
) -> Response[Problem | Stream]:
    """Change a stream; partitions may grow, never shrink

     Growing the partition count changes which partition a key hashes to from then on;
    events already stored keep their partition and offset.

    Args:
        stream (str):
        body (UpdateStreamRequest): Only the members present change.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Stream]
    """

    kwargs = _get_kwargs(
        stream=stream,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    stream: str,
    *,
    client: AuthenticatedClient | Client,
    body: UpdateStreamRequest,
) -> Problem | Stream | None:
    """Change a stream; partitions may grow, never shrink

     Growing the partition count changes which partition a key hashes to from then on;
    events already stored keep their partition and offset.

    Args:
        stream (str):
        body (UpdateStreamRequest): Only the members present change.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Stream
    """

    return (
        await asyncio_detailed(
            stream=stream,
            client=client,
            body=body,
        )
    ).parsed
