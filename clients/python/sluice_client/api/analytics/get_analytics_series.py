import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.analytics_series import AnalyticsSeries
from ...models.get_analytics_series_resolution import GetAnalyticsSeriesResolution
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    stream: str,
    *,
    metric: str | Unset = "events",
    resolution: GetAnalyticsSeriesResolution | Unset = GetAnalyticsSeriesResolution.HOUR,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    event_type: str | Unset = UNSET,
    platform: str | Unset = UNSET,
    dimension: list[str] | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["metric"] = metric

    json_resolution: str | Unset = UNSET
    if not isinstance(resolution, Unset):
        json_resolution = resolution.value

    params["resolution"] = json_resolution

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

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/streams/{stream}/analytics/series".format(
            stream=quote(str(stream), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AnalyticsSeries | Problem | None:
    if response.status_code == 200:
        response_200 = AnalyticsSeries.from_dict(response.json())

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
) -> Response[AnalyticsSeries | Problem]:
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
    metric: str | Unset = "events",
    resolution: GetAnalyticsSeriesResolution | Unset = GetAnalyticsSeriesResolution.HOUR,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    event_type: str | Unset = UNSET,
    platform: str | Unset = UNSET,
    dimension: list[str] | Unset = UNSET,
) -> Response[AnalyticsSeries | Problem]:
    """A metric's time series over a range at a resolution, empty buckets filled

     Read from the rollups (event time, UTC buckets). Buckets run from the one holding `from`
    to the one before `to` (at most 10,000); each says whether it is `final` (it ends at or
    before the stream's watermark, so no event can change it any more). Needs `events:read`.

    Args:
        stream (str):
        metric (str | Unset):  Default: 'events'.
        resolution (GetAnalyticsSeriesResolution | Unset):  Default:
            GetAnalyticsSeriesResolution.HOUR.
        from_ (datetime.datetime | Unset):
        to (datetime.datetime | Unset):
        event_type (str | Unset):
        platform (str | Unset):
        dimension (list[str] | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AnalyticsSeries | Problem]
    """

    kwargs = _get_kwargs(
        stream=stream,
        metric=metric,
        resolution=resolution,
        from_=from_,
        to=to,
        event_type=event_type,
        platform=platform,
        dimension=dimension,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    stream: str,
    *,
    client: AuthenticatedClient | Client,
    metric: str | Unset = "events",
    resolution: GetAnalyticsSeriesResolution | Unset = GetAnalyticsSeriesResolution.HOUR,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    event_type: str | Unset = UNSET,
    platform: str | Unset = UNSET,
    dimension: list[str] | Unset = UNSET,
) -> AnalyticsSeries | Problem | None:
    """A metric's time series over a range at a resolution, empty buckets filled

     Read from the rollups (event time, UTC buckets). Buckets run from the one holding `from`
    to the one before `to` (at most 10,000); each says whether it is `final` (it ends at or
    before the stream's watermark, so no event can change it any more). Needs `events:read`.

    Args:
        stream (str):
        metric (str | Unset):  Default: 'events'.
        resolution (GetAnalyticsSeriesResolution | Unset):  Default:
            GetAnalyticsSeriesResolution.HOUR.
        from_ (datetime.datetime | Unset):
        to (datetime.datetime | Unset):
        event_type (str | Unset):
        platform (str | Unset):
        dimension (list[str] | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AnalyticsSeries | Problem
    """

    return sync_detailed(
        stream=stream,
        client=client,
        metric=metric,
        resolution=resolution,
        from_=from_,
        to=to,
        event_type=event_type,
        platform=platform,
        dimension=dimension,
    ).parsed


async def asyncio_detailed(
    stream: str,
    *,
    client: AuthenticatedClient | Client,
    metric: str | Unset = "events",
    resolution: GetAnalyticsSeriesResolution | Unset = GetAnalyticsSeriesResolution.HOUR,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    event_type: str | Unset = UNSET,
    platform: str | Unset = UNSET,
    dimension: list[str] | Unset = UNSET,
) -> Response[AnalyticsSeries | Problem]:
    """A metric's time series over a range at a resolution, empty buckets filled

     Read from the rollups (event time, UTC buckets). Buckets run from the one holding `from`
    to the one before `to` (at most 10,000); each says whether it is `final` (it ends at or
    before the stream's watermark, so no event can change it any more). Needs `events:read`.

    Args:
        stream (str):
        metric (str | Unset):  Default: 'events'.
        resolution (GetAnalyticsSeriesResolution | Unset):  Default:
            GetAnalyticsSeriesResolution.HOUR.
        from_ (datetime.datetime | Unset):
        to (datetime.datetime | Unset):
        event_type (str | Unset):
        platform (str | Unset):
        dimension (list[str] | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AnalyticsSeries | Problem]
    """

    kwargs = _get_kwargs(
        stream=stream,
        metric=metric,
        resolution=resolution,
        from_=from_,
        to=to,
        event_type=event_type,
        platform=platform,
        dimension=dimension,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    stream: str,
    *,
    client: AuthenticatedClient | Client,
    metric: str | Unset = "events",
    resolution: GetAnalyticsSeriesResolution | Unset = GetAnalyticsSeriesResolution.HOUR,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    event_type: str | Unset = UNSET,
    platform: str | Unset = UNSET,
    dimension: list[str] | Unset = UNSET,
) -> AnalyticsSeries | Problem | None:
    """A metric's time series over a range at a resolution, empty buckets filled

     Read from the rollups (event time, UTC buckets). Buckets run from the one holding `from`
    to the one before `to` (at most 10,000); each says whether it is `final` (it ends at or
    before the stream's watermark, so no event can change it any more). Needs `events:read`.

    Args:
        stream (str):
        metric (str | Unset):  Default: 'events'.
        resolution (GetAnalyticsSeriesResolution | Unset):  Default:
            GetAnalyticsSeriesResolution.HOUR.
        from_ (datetime.datetime | Unset):
        to (datetime.datetime | Unset):
        event_type (str | Unset):
        platform (str | Unset):
        dimension (list[str] | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AnalyticsSeries | Problem
    """

    return (
        await asyncio_detailed(
            stream=stream,
            client=client,
            metric=metric,
            resolution=resolution,
            from_=from_,
            to=to,
            event_type=event_type,
            platform=platform,
            dimension=dimension,
        )
    ).parsed
