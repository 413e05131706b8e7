from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.partition_page import PartitionPage
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    stream: str,
    partition: int,
    *,
    from_offset: int | Unset = 0,
    limit: int | Unset = 100,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["fromOffset"] = from_offset

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/streams/{stream}/partitions/{partition}/events".format(
            stream=quote(str(stream), safe=""),
            partition=quote(str(partition), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PartitionPage | Problem | None:
    if response.status_code == 200:
        response_200 = PartitionPage.from_dict(response.json())

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
) -> Response[PartitionPage | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    stream: str,
    partition: int,
    *,
    client: AuthenticatedClient | Client,
    from_offset: int | Unset = 0,
    limit: int | Unset = 100,
) -> Response[PartitionPage | Problem]:
    """Read a partition's events from an offset

     Events with offset ≥ `fromOffset`, in offset order (an index range scan). Needs `events:read`.

    Args:
        stream (str):
        partition (int):
        from_offset (int | Unset):  Default: 0.
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PartitionPage | Problem]
    """

    kwargs = _get_kwargs(
        stream=stream,
        partition=partition,
        from_offset=from_offset,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    stream: str,
    partition: int,
    *,
    client: AuthenticatedClient | Client,
    from_offset: int | Unset = 0,
    limit: int | Unset = 100,
) -> PartitionPage | Problem | None:
    """Read a partition's events from an offset

     Events with offset ≥ `fromOffset`, in offset order (an index range scan). Needs `events:read`.

    Args:
        stream (str):
        partition (int):
        from_offset (int | Unset):  Default: 0.
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PartitionPage | Problem
    """

    return sync_detailed(
        stream=stream,
        partition=partition,
        client=client,
        from_offset=from_offset,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    stream: str,
    partition: int,
    *,
    client: AuthenticatedClient | Client,
    from_offset: int | Unset = 0,
    limit: int | Unset = 100,
) -> Response[PartitionPage | Problem]:
    """Read a partition's events from an offset

     Events with offset ≥ `fromOffset`, in offset order (an index range scan). Needs `events:read`.

    Args:
        stream (str):
        partition (int):
        from_offset (int | Unset):  Default: 0.
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PartitionPage | Problem]
    """

    kwargs = _get_kwargs(
        stream=stream,
        partition=partition,
        from_offset=from_offset,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    stream: str,
    partition: int,
    *,
    client: AuthenticatedClient | Client,
    from_offset: int | Unset = 0,
    limit: int | Unset = 100,
) -> PartitionPage | Problem | None:
    """Read a partition's events from an offset

     Events with offset ≥ `fromOffset`, in offset order (an index range scan). Needs `events:read`.

    Args:
        stream (str):
        partition (int):
        from_offset (int | Unset):  Default: 0.
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PartitionPage | Problem
    """

    return (
        await asyncio_detailed(
            stream=stream,
            partition=partition,
            client=client,
            from_offset=from_offset,
            limit=limit,
        )
    ).parsed
