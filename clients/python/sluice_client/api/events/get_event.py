from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.event_detail import EventDetail
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    stream: str,
    partition: int,
    offset: int,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/streams/{stream}/partitions/{partition}/events/{offset}".format(
            stream=quote(str(stream), safe=""),
            partition=quote(str(partition), safe=""),
            offset=quote(str(offset), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> EventDetail | Problem | None:
    if response.status_code == 200:
        response_200 = EventDetail.from_dict(response.json())

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
) -> Response[EventDetail | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    stream: str,
    partition: int,
    offset: int,
    *,
    client: AuthenticatedClient | Client,
) -> Response[EventDetail | Problem]:
    """One stored event and what became of it at each subscription

     The event at this partition and offset, and for each of the stream's subscriptions
    its delivery: `delivered` (the subscription's group committed past it with no failure
    left), `pending` (not reached yet), `retrying` or `dead` (with every attempt),
    `filtered` (its type is not one the subscription takes) or `skipped` (stored before
    the subscription's group started). 404 once the event is past the stream's retention.
    Needs `events:read`.

    Args:
        stream (str):
        partition (int):
        offset (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EventDetail | Problem]
    """

    kwargs = _get_kwargs(
        stream=stream,
        partition=partition,
        offset=offset,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    stream: str,
    partition: int,
    offset: int,
    *,
    client: AuthenticatedClient | Client,
) -> EventDetail | Problem | None:
    """One stored event and what became of it at each subscription

     The event at this partition and offset, and for each of the stream's subscriptions
    its delivery: `delivered` (the subscription's group committed past it with no failure
    left), `pending` (not reached yet), `retrying` or `dead` (with every attempt),
    `filtered` (its type is not one the subscription takes) or `skipped` (stored before
    the subscription's group started). 404 once the event is past the stream's retention.
    Needs `events:read`.

    Args:
        stream (str):
        partition (int):
        offset (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EventDetail | Problem
    """

    return sync_detailed(
        stream=stream,
        partition=partition,
        offset=offset,
        client=client,
    ).parsed


async def asyncio_detailed(
    stream: str,
    partition: int,
    offset: int,
    *,
    client: AuthenticatedClient | Client,
) -> Response[EventDetail | Problem]:
    """One stored event and what became of it at each subscription

     The event at this partition and offset, and for each of the stream's subscriptions
    its delivery: `delivered` (the subscription's group committed past it with no failure
    left), `pending` (not reached yet), `retrying` or `dead` (with every attempt),
    `filtered` (its type is not one the subscription takes) or `skipped` (stored before
    the subscription's group started). 404 once the event is past the stream's retention.
    Needs `events:read`.

    Args:
        stream (str):
        partition (int):
        offset (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EventDetail | Problem]
    """

    kwargs = _get_kwargs(
        stream=stream,
        partition=partition,
        offset=offset,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    stream: str,
    partition: int,
    offset: int,
    *,
    client: AuthenticatedClient | Client,
) -> EventDetail | Problem | None:
    """One stored event and what became of it at each subscription

     The event at this partition and offset, and for each of the stream's subscriptions
    its delivery: `delivered` (the subscription's group committed past it with no failure
    left), `pending` (not reached yet), `retrying` or `dead` (with every attempt),
    `filtered` (its type is not one the subscription takes) or `skipped` (stored before
    the subscription's group started). 404 once the event is past the stream's retention.
    Needs `events:read`.

    Args:
        stream (str):
        partition (int):
        offset (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EventDetail | Problem
    """

    return (
        await asyncio_detailed(
            stream=stream,
            partition=partition,
            offset=offset,
            client=client,
        )
    ).parsed
