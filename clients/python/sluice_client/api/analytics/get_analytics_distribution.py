import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.analytics_distribution import AnalyticsDistribution
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    stream: str,
    *,
    by: str | Unset = "type",
    metric: str | Unset = "events",
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    event_type: str | Unset = UNSET,
    platform: str | Unset = UNSET,
    dimension: list[str] | Unset = UNSET,
    limit: int | Unset = 100,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["by"] = by

    params["metric"] = metric

    json_from_: str | Unset = UNSET
    if not isinstance(from_, Unset):
        json_from_ = from_.isoformat()
    params["from"] = json_from_

    json_to: str | Unset = UNSET
    if not isinstance(to, Unset):
        json_to = to.isoformat()
    params["to"] = json_to

    params["eventType"] = event_type

    params["platform"] = platform

    json_dimension: list[str] | Unset = UNSET
    if not isinstance(dimension, Unset):
        json_dimension = dimension

    params["dimension"] = json_dimension

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/streams/{stream}/analytics/distribution".format(
            stream=quote(str(stream), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AnalyticsDistribution | Problem | None:
    if response.status_code == 200:
        response_200 = AnalyticsDistribution.from_dict(response.json())

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
) -> Response[AnalyticsDistribution | Problem]:
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
    by: str | Unset = "type",
    metric: str | Unset = "events",
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    event_type: str | Unset = UNSET,
    platform: str | Unset = UNSET,
    dimension: list[str] | Unset = UNSET,
    limit: int | Unset = 100,
) -> Response[AnalyticsDistribution | Problem]:
    """A metric over a range split by event type, platform or a dimension, largest first

     The range's ends are taken to 5-minute boundaries (`from` down, `to` up); it is read from
    daily rollups for its whole days, hourly ones beside them and 5-minute ones at the ends.
    Needs `events:read`.

    Args:
        stream (str):
        by (str | Unset):  Default: 'type'.
        metric (str | Unset):  Default: 'events'.
        from_ (datetime.datetime | Unset):
        to (datetime.datetime | Unset):
        event_type (str | Unset):
        platform (str | Unset):
        dimension (list[str] | Unset):
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AnalyticsDistribution | Problem]
    """

    kwargs = _get_kwargs(
        stream=stream,
        by=by,
        metric=metric,
        from_=from_,
        to=to,
        event_type=event_type,
        platform=platform,
        dimension=dimension,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    stream: str,
    *,
    client: AuthenticatedClient | Client,
    by: str | Unset = "type",
    metric: str | Unset = "events",
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    event_type: str | Unset = UNSET,
    platform: str | Unset = UNSET,
    dimension: list[str] | Unset = UNSET,
    limit: int | Unset = 100,
) -> AnalyticsDistribution | Problem | None:
    """A metric over a range split by event type, platform or a dimension, largest first

     The range's ends are taken to 5-minute boundaries (`from` down, `to` up); it is read from
    daily rollups for its whole days, hourly ones beside them and 5-minute ones at the ends.
    Needs `events:read`.

    Args:
        stream (str):
        by (str | Unset):  Default: 'type'.
        metric (str | Unset):  Default: 'events'.
        from_ (datetime.datetime | Unset):
        to (datetime.datetime | Unset):
        event_type (str | Unset):
        platform (str | Unset):
        dimension (list[str] | Unset):
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AnalyticsDistribution | Problem
    """

    return sync_detailed(
        stream=stream,
        client=client,
        by=by,
        metric=metric,
        from_=from_,
        to=to,
        event_type=event_type,
        platform=platform,
        dimension=dimension,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    stream: str,
    *,
    client: AuthenticatedClient | Client,
    by: str | Unset = "type",
    metric: str | Unset = "events",
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    event_type: str | Unset = UNSET,
    platform: str | Unset = UNSET,
    dimension: list[str] | Unset = UNSET,
    limit: int | Unset = 100,
) -> Response[AnalyticsDistribution | Problem]:
    """A metric over a range split by event type, platform or a dimension, largest first

     The range's ends are taken to 5-minute boundaries (`from` down, `to` up); it is read from
    daily rollups for its whole days, hourly ones beside them and 5-minute ones at the ends.
    Needs `events:read`.

    Args:
        stream (str):
        by (str | Unset):  Default: 'type'.
        metric (str | Unset):  Default: 'events'.
        from_ (datetime.datetime | Unset):
        to (datetime.datetime | Unset):
        event_type (str | Unset):
        platform (str | Unset):
        dimension (list[str] | Unset):
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AnalyticsDistribution | Problem]
    """

    kwargs = _get_kwargs(
        stream=stream,
        by=by,
        metric=metric,
        from_=from_,
        to=to,
        event_type=event_type,
        platform=platform,
        dimension=dimension,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    stream: str,
    *,
    client: AuthenticatedClient | Client,
    by: str | Unset = "type",
    metric: str | Unset = "events",
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    event_type: str | Unset = UNSET,
    platform: str | Unset = UNSET,
    dimension: list[str] | Unset = UNSET,
    limit: int | Unset = 100,
) -> AnalyticsDistribution | Problem | None:
    """A metric over a range split by event type, platform or a dimension, largest first

     The range's ends are taken to 5-minute boundaries (`from` down, `to` up); it is read from
    daily rollups for its whole days, hourly ones beside them and 5-minute ones at the ends.
    Needs `events:read`.

    Args:
        stream (str):
        by (str | Unset):  Default: 'type'.
        metric (str | Unset):  Default: 'events'.
        from_ (datetime.datetime | Unset):
        to (datetime.datetime | Unset):
        event_type (str | Unset):
        platform (str | Unset):
        dimension (list[str] | Unset):
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AnalyticsDistribution | Problem
    """

    return (
        await asyncio_detailed(
            stream=stream,
            client=client,
            by=by,
            metric=metric,
            from_=from_,
            to=to,
            event_type=event_type,
            platform=platform,
            dimension=dimension,
            limit=limit,
        )
    ).parsed
