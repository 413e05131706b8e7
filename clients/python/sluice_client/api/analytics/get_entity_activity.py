import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.entity_activity import EntityActivity
from ...models.get_entity_activity_kind import GetEntityActivityKind
from ...models.get_entity_activity_resolution import GetEntityActivityResolution
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    stream: str,
    kind: GetEntityActivityKind,
    entity_id: str,
    *,
    resolution: GetEntityActivityResolution | Unset = GetEntityActivityResolution.DAY,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    platform: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

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

    params["platform"] = platform

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/streams/{stream}/analytics/entities/{kind}/{entity_id}".format(
            stream=quote(str(stream), safe=""),
            kind=quote(str(kind), safe=""),
            entity_id=quote(str(entity_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> EntityActivity | Problem | None:
    if response.status_code == 200:
        response_200 = EntityActivity.from_dict(response.json())

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
) -> Response[EntityActivity | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    stream: str,
    kind: GetEntityActivityKind,
    entity_id: str,
    *,
    client: AuthenticatedClient | Client,
    resolution: GetEntityActivityResolution | Unset = GetEntityActivityResolution.DAY,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    platform: str | Unset = UNSET,
) -> Response[EntityActivity | Problem]:
    """An account's, content's or actor's activity over time, with its metrics and their growth (e.g.
    follower growth)

     Per hour or day: the events naming the entity, the latest value of each metric as of
    the bucket's end (carried over empty buckets), and each metric's change in the bucket.
    404 when the stream has never seen the entity. Needs `events:read`.

    Args:
        stream (str):
        kind (GetEntityActivityKind):
        entity_id (str):
        resolution (GetEntityActivityResolution | Unset):  Default:
            GetEntityActivityResolution.DAY.
        from_ (datetime.datetime | Unset):
        to (datetime.datetime | Unset):
        platform (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EntityActivity | Problem]
    """

    kwargs = _get_kwargs(
        stream=stream,
        kind=kind,
        entity_id=entity_id,
        resolution=resolution,
        from_=from_,
        to=to,
        platform=platform,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    stream: str,
    kind: GetEntityActivityKind,
    entity_id: str,
    *,
    client: AuthenticatedClient | Client,
    resolution: GetEntityActivityResolution | Unset = GetEntityActivityResolution.DAY,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    platform: str | Unset = UNSET,
) -> EntityActivity | Problem | None:
    """An account's, content's or actor's activity over time, with its metrics and their growth (e.g.
    follower growth)

     Per hour or day: the events naming the entity, the latest value of each metric as of
    the bucket's end (carried over empty buckets), and each metric's change in the bucket.
    404 when the stream has never seen the entity. Needs `events:read`.

    Args:
        stream (str):
        kind (GetEntityActivityKind):
        entity_id (str):
        resolution (GetEntityActivityResolution | Unset):  Default:
            GetEntityActivityResolution.DAY.
        from_ (datetime.datetime | Unset):
        to (datetime.datetime | Unset):
        platform (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EntityActivity | Problem
    """

    return sync_detailed(
        stream=stream,
        kind=kind,
        entity_id=entity_id,
        client=client,
        resolution=resolution,
        from_=from_,
        to=to,
        platform=platform,
    ).parsed


async def asyncio_detailed(
    stream: str,
    kind: GetEntityActivityKind,
    entity_id: str,
    *,
    client: AuthenticatedClient | Client,
    resolution: GetEntityActivityResolution | Unset = GetEntityActivityResolution.DAY,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    platform: str | Unset = UNSET,
) -> Response[EntityActivity | Problem]:
    """An account's, content's or actor's activity over time, with its metrics and their growth (e.g.
    follower growth)

     Per hour or day: the events naming the entity, the latest value of each metric as of
    the bucket's end (carried over empty buckets), and each metric's change in the bucket.
    404 when the stream has never seen the entity. Needs `events:read`.

    Args:
        stream (str):
        kind (GetEntityActivityKind):
        entity_id (str):
        resolution (GetEntityActivityResolution | Unset):  Default:
            GetEntityActivityResolution.DAY.
        from_ (datetime.datetime | Unset):
        to (datetime.datetime | Unset):
        platform (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EntityActivity | Problem]
    """

    kwargs = _get_kwargs(
        stream=stream,
        kind=kind,
        entity_id=entity_id,
        resolution=resolution,
        from_=from_,
        to=to,
        platform=platform,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    stream: str,
    kind: GetEntityActivityKind,
    entity_id: str,
    *,
    client: AuthenticatedClient | Client,
    resolution: GetEntityActivityResolution | Unset = GetEntityActivityResolution.DAY,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    platform: str | Unset = UNSET,
) -> EntityActivity | Problem | None:
    """An account's, content's or actor's activity over time, with its metrics and their growth (e.g.
    follower growth)

     Per hour or day: the events naming the entity, the latest value of each metric as of
    the bucket's end (carried over empty buckets), and each metric's change in the bucket.
    404 when the stream has never seen the entity. Needs `events:read`.

    Args:
        stream (str):
        kind (GetEntityActivityKind):
        entity_id (str):
        resolution (GetEntityActivityResolution | Unset):  Default:
            GetEntityActivityResolution.DAY.
        from_ (datetime.datetime | Unset):
        to (datetime.datetime | Unset):
        platform (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EntityActivity | Problem
    """

    return (
        await asyncio_detailed(
            stream=stream,
            kind=kind,
            entity_id=entity_id,
            client=client,
            resolution=resolution,
            from_=from_,
            to=to,
            platform=platform,
        )
    ).parsed
