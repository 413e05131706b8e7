from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.analytics_live_event import AnalyticsLiveEvent
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    stream: str,
    *,
    ticks: int | Unset = 3600,
    last_event_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(last_event_id, Unset):
        headers["Last-Event-ID"] = last_event_id

    params: dict[str, Any] = {}

    params["ticks"] = ticks

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/streams/{stream}/analytics/live".format(
            stream=quote(str(stream), safe=""),
        ),
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AnalyticsLiveEvent | str | Problem | None:
    if response.status_code == 200:

        def _parse_response_200(data: object) -> AnalyticsLiveEvent | str:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_200_type_0 = AnalyticsLiveEvent.from_dict(data)

                return response_200_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AnalyticsLiveEvent | str, data)

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
) -> Response[AnalyticsLiveEvent | str | Problem]:
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
    ticks: int | Unset = 3600,
    last_event_id: str | Unset = UNSET,
) -> Response[AnalyticsLiveEvent | str | Problem]:
    """Server-Sent Events - every second, the stream's ingest count and the rollup buckets that changed

     A `text/event-stream` of `tick` events, one a second, each an `AnalyticsTick` in JSON:
    the events stored since the previous tick, the stream's total, the rollups' watermark
    and lag, and the 5-minute buckets (by event type and platform) whose values changed,
    with their current values (at most 500 a tick; `truncated` says when more changed).
    A bucket may be sent again with the same values: apply them as current values.
    Each event's `id` lets a client resume: send it back as `Last-Event-ID` (browsers'
    `EventSource` does) and the first tick counts the events stored since, and sends the
    buckets changed since. The server ends a stream after `ticks` ticks (default 3,600, an
    hour); clients reconnect. A tenant holds at most `SLUICE_MAX_FEEDS_PER_TENANT` (default
    10) live feeds, tails and analytics feeds together, open on one server; another is 429
    with `Retry-After`. Needs `events:read`.

    Args:
        stream (str):
        ticks (int | Unset):  Default: 3600.
        last_event_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AnalyticsLiveEvent | str | Problem]
    """

    kwargs = _get_kwargs(
        stream=stream,
        ticks=ticks,
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
    ticks: int | Unset = 3600,
    last_event_id: str | Unset = UNSET,
) -> AnalyticsLiveEvent | str | Problem | None:
    """Server-Sent Events - every second, the stream's ingest count and the rollup buckets that changed

     A `text/event-stream` of `tick` events, one a second, each an `AnalyticsTick` in JSON:
    the events stored since the previous tick, the stream's total, the rollups' watermark
    and lag, and the 5-minute buckets (by event type and platform) whose values changed,
    with their current values (at most 500 a tick; `truncated` says when more changed).
    A bucket may be sent again with the same values: apply them as current values.
    Each event's `id` lets a client resume: send it back as `Last-Event-ID` (browsers'
    `EventSource` does) and the first tick counts the events stored since, and sends the
    buckets changed since. The server ends a stream after `ticks` ticks (default 3,600, an
    hour); clients reconnect. A tenant holds at most `SLUICE_MAX_FEEDS_PER_TENANT` (default
    10) live feeds, tails and analytics feeds together, open on one server; another is 429
    with `Retry-After`. Needs `events:read`.

    Args:
        stream (str):
        ticks (int | Unset):  Default: 3600.
        last_event_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AnalyticsLiveEvent | str | Problem
    """

    return sync_detailed(
        stream=stream,
        client=client,
        ticks=ticks,
        last_event_id=last_event_id,
    ).parsed


async def asyncio_detailed(
    stream: str,
    *,
    client: AuthenticatedClient | Client,
    ticks: int | Unset = 3600,
    last_event_id: str | Unset = UNSET,
) -> Response[AnalyticsLiveEvent | str | Problem]:
    """Server-Sent Events - every second, the stream's ingest count and the rollup buckets that changed

     A `text/event-stream` of `tick` events, one a second, each an `AnalyticsTick` in JSON:
    the events stored since the previous tick, the stream's total, the rollups' watermark
    and lag, and the 5-minute buckets (by event type and platform) whose values changed,
    with their current values (at most 500 a tick; `truncated` says when more changed).
    A bucket may be sent again with the same values: apply them as current values.
    Each event's `id` lets a client resume: send it back as `Last-Event-ID` (browsers'
    `EventSource` does) and the first tick counts the events stored since, and sends the
    buckets changed since. The server ends a stream after `ticks` ticks (default 3,600, an
    hour); clients reconnect. A tenant holds at most `SLUICE_MAX_FEEDS_PER_TENANT` (default
    10) live feeds, tails and analytics feeds together, open on one server; another is 429
    with `Retry-After`. Needs `events:read`.

    Args:
        stream (str):
        ticks (int | Unset):  Default: 3600.
        last_event_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AnalyticsLiveEvent | str | Problem]
    """

    kwargs = _get_kwargs(
        stream=stream,
        ticks=ticks,
        last_event_id=last_event_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    stream: str,
    *,
    client: AuthenticatedClient | Client,
    ticks: int | Unset = 3600,
    last_event_id: str | Unset = UNSET,
) -> AnalyticsLiveEvent | str | Problem | None:
    """Server-Sent Events - every second, the stream's ingest count and the rollup buckets that changed

     A `text/event-stream` of `tick` events, one a second, each an `AnalyticsTick` in JSON:
    the events stored since the previous tick, the stream's total, the rollups' watermark
    and lag, and the 5-minute buckets (by event type and platform) whose values changed,
    with their current values (at most 500 a tick; `truncated` says when more changed).
    A bucket may be sent again with the same values: apply them as current values.
    Each event's `id` lets a client resume: send it back as `Last-Event-ID` (browsers'
    `EventSource` does) and the first tick counts the events stored since, and sends the
    buckets changed since. The server ends a stream after `ticks` ticks (default 3,600, an
    hour); clients reconnect. A tenant holds at most `SLUICE_MAX_FEEDS_PER_TENANT` (default
    10) live feeds, tails and analytics feeds together, open on one server; another is 429
    with `Retry-After`. Needs `events:read`.

    Args:
        stream (str):
        ticks (int | Unset):  Default: 3600.
        last_event_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AnalyticsLiveEvent | str | Problem
    """

    return (
        await asyncio_detailed(
            stream=stream,
            client=client,
            ticks=ticks,
            last_event_id=last_event_id,
        )
    ).parsed
