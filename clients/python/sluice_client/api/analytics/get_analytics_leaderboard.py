import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.analytics_leaderboard import AnalyticsLeaderboard
from ...models.get_analytics_leaderboard_entity import GetAnalyticsLeaderboardEntity
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    stream: str,
    *,
    entity: GetAnalyticsLeaderboardEntity | Unset = GetAnalyticsLeaderboardEntity.ACCOUNT,
    by: str | Unset = "events",
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    platform: str | Unset = UNSET,
    limit: int | Unset = 10,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_entity: str | Unset = UNSET
    if not isinstance(entity, Unset):
        json_entity = entity.value

    params["entity"] = json_entity

    params["by"] = by

    json_from_: str | Unset = UNSET
    if not isinstance(from_, Unset):
        json_from_ = from_.isoformat()
    params["from"] = json_from_

    json_to: str | Unset = UNSET
    if not isinstance(to, Unset):
        json_to = to.isoformat()
    params["to"] = json_to

    params["platform"] = platform

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/streams/{stream}/analytics/leaderboard".format(
            stream=quote(str(stream), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AnalyticsLeaderboard | Problem | None:
    if response.status_code == 200:
        response_200 = AnalyticsLeaderboard.from_dict(response.json())

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
) -> Response[AnalyticsLeaderboard | Problem]:
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
    entity: GetAnalyticsLeaderboardEntity | Unset = GetAnalyticsLeaderboardEntity.ACCOUNT,
    by: str | Unset = "events",
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    platform: str | Unset = UNSET,
    limit: int | Unset = 10,
) -> Response[AnalyticsLeaderboard | Problem]:
    """The top accounts, content or actors over a range, by events or an engagement metric

     Read from hourly and daily entity rollups (the range is taken to whole hours; at most
    366 days). Entities are what events name in `data.account.id`, `data.content.id` and
    `data.actor.id` (an event with an actor, such as a comment, counts for the actor and the
    account, not as content); snapshots (`data.metrics` of account and content events) carry
    running totals, so growth is the last value at the end of the range less the last
    value before it (else the first within it). `by`: `events`; `engagement` (growth of
    likes + comments + shares; an account's is its content's); `engagementRate`
    (engagement ÷ growth of views); `engagementPerFollower` (accounts: engagement ÷
    followers at the end of the range); `growth.<metric>` (e.g. `growth.followers`);
    `latest.<metric>`. Actors rank by events only. Needs `events:read`.

    Args:
        stream (str):
        entity (GetAnalyticsLeaderboardEntity | Unset):  Default:
            GetAnalyticsLeaderboardEntity.ACCOUNT.
        by (str | Unset):  Default: 'events'.
        from_ (datetime.datetime | Unset):
        to (datetime.datetime | Unset):
        platform (str | Unset):
        limit (int | Unset):  Default: 10.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AnalyticsLeaderboard | Problem]
    """

    kwargs = _get_kwargs(
        stream=stream,
        entity=entity,
        by=by,
        from_=from_,
        to=to,
        platform=platform,
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
    entity: GetAnalyticsLeaderboardEntity | Unset = GetAnalyticsLeaderboardEntity.ACCOUNT,
    by: str | Unset = "events",
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    platform: str | Unset = UNSET,
    limit: int | Unset = 10,
) -> AnalyticsLeaderboard | Problem | None:
    """The top accounts, content or actors over a range, by events or an engagement metric

     Read from hourly and daily entity rollups (the range is taken to whole hours; at most
    366 days). Entities are what events name in `data.account.id`, `data.content.id` and
    `data.actor.id` (an event with an actor, such as a comment, counts for the actor and the
    account, not as content); snapshots (`data.metrics` of account and content events) carry
    running totals, so growth is the last value at the end of the range less the last
    value before it (else the first within it). `by`: `events`; `engagement` (growth of
    likes + comments + shares; an account's is its content's); `engagementRate`
    (engagement ÷ growth of views); `engagementPerFollower` (accounts: engagement ÷
    followers at the end of the range); `growth.<metric>` (e.g. `growth.followers`);
    `latest.<metric>`. Actors rank by events only. Needs `events:read`.

    Args:
        stream (str):
        entity (GetAnalyticsLeaderboardEntity | Unset):  Default:
            GetAnalyticsLeaderboardEntity.ACCOUNT.
        by (str | Unset):  Default: 'events'.
        from_ (datetime.datetime | Unset):
        to (datetime.datetime | Unset):
        platform (str | Unset):
        limit (int | Unset):  Default: 10.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AnalyticsLeaderboard | Problem
    """

    return sync_detailed(
        stream=stream,
        client=client,
        entity=entity,
        by=by,
        from_=from_,
        to=to,
        platform=platform,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    stream: str,
    *,
    client: AuthenticatedClient | Client,
    entity: GetAnalyticsLeaderboardEntity | Unset = GetAnalyticsLeaderboardEntity.ACCOUNT,
    by: str | Unset = "events",
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    platform: str | Unset = UNSET,
    limit: int | Unset = 10,
) -> Response[AnalyticsLeaderboard | Problem]:
    """The top accounts, content or actors over a range, by events or an engagement metric

     Read from hourly and daily entity rollups (the range is taken to whole hours; at most
    366 days). Entities are what events name in `data.account.id`, `data.content.id` and
    `data.actor.id` (an event with an actor, such as a comment, counts for the actor and the
    account, not as content); snapshots (`data.metrics` of account and content events) carry
    running totals, so growth is the last value at the end of the range less the last
    value before it (else the first within it). `by`: `events`; `engagement` (growth of
    likes + comments + shares; an account's is its content's); `engagementRate`
    (engagement ÷ growth of views); `engagementPerFollower` (accounts: engagement ÷
    followers at the end of the range); `growth.<metric>` (e.g. `growth.followers`);
    `latest.<metric>`. Actors rank by events only. Needs `events:read`.

    Args:
        stream (str):
        entity (GetAnalyticsLeaderboardEntity | Unset):  Default:
            GetAnalyticsLeaderboardEntity.ACCOUNT.
        by (str | Unset):  Default: 'events'.
        from_ (datetime.datetime | Unset):
        to (datetime.datetime | Unset):
        platform (str | Unset):
        limit (int | Unset):  Default: 10.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AnalyticsLeaderboard | Problem]
    """

    kwargs = _get_kwargs(
        stream=stream,
        entity=entity,
        by=by,
        from_=from_,
        to=to,
        platform=platform,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    stream: str,
    *,
    client: AuthenticatedClient | Client,
    entity: GetAnalyticsLeaderboardEntity | Unset = GetAnalyticsLeaderboardEntity.ACCOUNT,
    by: str | Unset = "events",
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    platform: str | Unset = UNSET,
    limit: int | Unset = 10,
) -> AnalyticsLeaderboard | Problem | None:
    """The top accounts, content or actors over a range, by events or an engagement metric

     Read from hourly and daily entity rollups (the range is taken to whole hours; at most
    366 days). Entities are what events name in `data.account.id`, `data.content.id` and
    `data.actor.id` (an event with an actor, such as a comment, counts for the actor and the
    account, not as content); snapshots (`data.metrics` of account and content events) carry
    running totals, so growth is the last value at the end of the range less the last
    value before it (else the first within it). `by`: `events`; `engagement` (growth of
    likes + comments + shares; an account's is its content's); `engagementRate`
    (engagement ÷ growth of views); `engagementPerFollower` (accounts: engagement ÷
    followers at the end of the range); `growth.<metric>` (e.g. `growth.followers`);
    `latest.<metric>`. Actors rank by events only. Needs `events:read`.

    Args:
        stream (str):
        entity (GetAnalyticsLeaderboardEntity | Unset):  Default:
            GetAnalyticsLeaderboardEntity.ACCOUNT.
        by (str | Unset):  Default: 'events'.
        from_ (datetime.datetime | Unset):
        to (datetime.datetime | Unset):
        platform (str | Unset):
        limit (int | Unset):  Default: 10.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AnalyticsLeaderboard | Problem
    """

    return (
        await asyncio_detailed(
            stream=stream,
            client=client,
            entity=entity,
            by=by,
            from_=from_,
            to=to,
            platform=platform,
            limit=limit,
        )
    ).parsed
