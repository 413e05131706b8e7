from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.tail_event import TailEvent
from ...types import UNSET, Response, Unset


def _get_kwargs(
    stream: str,
    *,
    type_: str | Unset = UNSET,
    key: str | Unset = UNSET,
    max_per_second: int | Unset = 50,
    seconds: int | Unset = 600,
    last_event_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(last_event_id, Unset):
        headers["Last-Event-ID"] = last_event_id

    params: dict[str, Any] = {}

    params["type"] = type_

    params["key"] = key

    params["maxPerSecond"] = max_per_second

    params["seconds"] = seconds

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/streams/{stream}/events/tail".format(
            stream=quote(str(stream), safe=""),
        ),
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | str | TailEvent | None:
    if response.status_code == 200:

        def _parse_response_200(data: object) -> str | TailEvent:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_200_type_0 = TailEvent.from_dict(data)

                return response_200_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(str | TailEvent, data)

        response_200 = _parse_response_200(response.text)

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
) -> Response[Problem | str | TailEvent]:
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
    type_: str | Unset = UNSET,
    key: str | Unset = UNSET,
    max_per_second: int | Unset = 50,
    seconds: int | Unset = 600,
    last_event_id: str | Unset = UNSET,
) -> Response[Problem | str | TailEvent]:
    """Server-Sent Events - the stream's events as they are stored, filtered and sampled

     A `text/event-stream` of `events` events, four a second at most, each a `TailBatch` in
    JSON: the events stored since the previous one that match `type` and `key`, at most
    `maxPerSecond` of them a second. When more match, an even sample of them is sent and
    `sampled` says so (`matched` counts them all); when a partition grew by more than
    2,000 events within a quarter second, the tail jumps to its end and `skipped` counts
    what it did not read. A batch with no events is sent every five seconds (a heartbeat).
    The tail starts at the end of each partition; each event's `id` lets a client resume:
    send it back as `Last-Event-ID` (browsers' `EventSource` does). The server ends the
    stream after `seconds` (default 600); clients reconnect. A tenant holds at most
    `SLUICE_MAX_FEEDS_PER_TENANT` (default 10) live feeds, tails and analytics feeds
    together, open on one server; another is 429 with `Retry-After`. Needs `events:read`.

    Args:
        stream (str):
        type_ (str | Unset):
        key (str | Unset):
        max_per_second (int | Unset):  Default: 50.
        seconds (int | Unset):  Default: 600.
        last_event_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | str | TailEvent]
    """

    kwargs = _get_kwargs(
        stream=stream,
        type_=type_,
        key=key,
        max_per_second=max_per_second,
        seconds=seconds,
        last_event_id=last_event_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    stream: str,
    *,
    client: AuthenticatedClient | Client,
    type_: str | Unset = UNSET,
    key: str | Unset = UNSET,
    max_per_second: int | Unset = 50,
    seconds: int | Unset = 600,
    last_event_id: str | Unset = UNSET,
) -> Problem | str | TailEvent | None:
    """Server-Sent Events - the stream's events as they are stored, filtered and sampled

     A `text/event-stream` of `events` events, four a second at most, each a `TailBatch` in
    JSON: the events stored since the previous one that match `type` and `key`, at most
    `maxPerSecond` of them a second. When more match, an even sample of them is sent and
    `sampled` says so (`matched` counts them all); when a partition grew by more than
    2,000 events within a quarter second, the tail jumps to its end and `skipped` counts
    what it did not read. A batch with no events is sent every five seconds (a heartbeat).
    The tail starts at the end of each partition; each event's `id` lets a client resume:
    send it back as `Last-Event-ID` (browsers' `EventSource` does). The server ends the
    stream after `seconds` (default 600); clients reconnect. A tenant holds at most
    `SLUICE_MAX_FEEDS_PER_TENANT` (default 10) live feeds, tails and analytics feeds
    together, open on one server; another is 429 with `Retry-After`. Needs `events:read`.

    Args:
        stream (str):
        type_ (str | Unset):
        key (str | Unset):
        max_per_second (int | Unset):  Default: 50.
        seconds (int | Unset):  Default: 600.
        last_event_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | str | TailEvent
    """

    return sync_detailed(
        stream=stream,
        client=client,
        type_=type_,
        key=key,
        max_per_second=max_per_second,
        seconds=seconds,
        last_event_id=last_event_id,
    ).parsed


async def asyncio_detailed(
    stream: str,
    *,
    client: AuthenticatedClient | Client,
    type_: str | Unset = UNSET,
    key: str | Unset = UNSET,
    max_per_second: int | Unset = 50,
    seconds: int | Unset = 600,
    last_event_id: str | Unset = UNSET,
) -> Response[Problem | str | TailEvent]:
    """Server-Sent Events - the stream's events as they are stored, filtered and sampled

     A `text/event-stream` of `events` events, four a second at most, each a `TailBatch` in
    JSON: the events stored since the previous one that match `type` and `key`, at most
    `maxPerSecond` of them a second. When more match, an even sample of them is sent and
    `sampled` says so (`matched` counts them all); when a partition grew by more than
    2,000 events within a quarter second, the tail jumps to its end and `skipped` counts
    what it did not read. A batch with no events is sent every five seconds (a heartbeat).
    The tail starts at the end of each partition; each event's `id` lets a client resume:
    send it back as `Last-Event-ID` (browsers' `EventSource` does). The server ends the
    stream after `seconds` (default 600); clients reconnect. A tenant holds at most
    `SLUICE_MAX_FEEDS_PER_TENANT` (default 10) live feeds, tails and analytics feeds
    together, open on one server; another is 429 with `Retry-After`. Needs `events:read`.

    Args:
        stream (str):
        type_ (str | Unset):
        key (str | Unset):
        max_per_second (int | Unset):  Default: 50.
        seconds (int | Unset):  Default: 600.
        last_event_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | str | TailEvent]
    """

    kwargs = _get_kwargs(
        stream=stream,
        type_=type_,
        key=key,
        max_per_second=max_per_second,
        seconds=seconds,
        last_event_id=last_event_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    stream: str,
    *,
    client: AuthenticatedClient | Client,
    type_: str | Unset = UNSET,
    key: str | Unset = UNSET,
    max_per_second: int | Unset = 50,
    seconds: int | Unset = 600,
    last_event_id: str | Unset = UNSET,
) -> Problem | str | TailEvent | None:
    """Server-Sent Events - the stream's events as they are stored, filtered and sampled

     A `text/event-stream` of `events` events, four a second at most, each a `TailBatch` in
    JSON: the events stored since the previous one that match `type` and `key`, at most
    `maxPerSecond` of them a second. When more match, an even sample of them is sent and
    `sampled` says so (`matched` counts them all); when a partition grew by more than
    2,000 events within a quarter second, the tail jumps to its end and `skipped` counts
    what it did not read. A batch with no events is sent every five seconds (a heartbeat).
    The tail starts at the end of each partition; each event's `id` lets a client resume:
    send it back as `Last-Event-ID` (browsers' `EventSource` does). The server ends the
    stream after `seconds` (default 600); clients reconnect. A tenant holds at most
    `SLUICE_MAX_FEEDS_PER_TENANT` (default 10) live feeds, tails and analytics feeds
    together, open on one server; another is 429 with `Retry-After`. Needs `events:read`.

    Args:
        stream (str):
        type_ (str | Unset):
        key (str | Unset):
        max_per_second (int | Unset):  Default: 50.
        seconds (int | Unset):  Default: 600.
        last_event_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | str | TailEvent
    """

    return (
        await asyncio_detailed(
            stream=stream,
            client=client,
            type_=type_,
            key=key,
            max_per_second=max_per_second,
            seconds=seconds,
            last_event_id=last_event_id,
        )
    ).parsed
