import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.lag_history import LagHistory
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    stream: str,
    group: str,
    *,
    since: datetime.datetime | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
    step_seconds: int | Unset = 60,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_since: str | Unset = UNSET
    if not isinstance(since, Unset):
        json_since = since.isoformat()
    params["since"] = json_since

    json_until: str | Unset = UNSET
    if not isinstance(until, Unset):
        json_until = until.isoformat()
    params["until"] = json_until

    params["stepSeconds"] = step_seconds

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/streams/{stream}/consumer-groups/{group}/lag-history".format(
            stream=quote(str(stream), safe=""),
            group=quote(str(group), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> LagHistory | Problem | None:
    if response.status_code == 200:
        response_200 = LagHistory.from_dict(response.json())

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
) -> Response[LagHistory | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    stream: str,
    group: str,
    *,
    client: AuthenticatedClient | Client,
    since: datetime.datetime | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
    step_seconds: int | Unset = 60,
) -> Response[LagHistory | Problem]:
    """The group's lag over time, sampled every minute and kept seven days

     Every minute the server records each group's lag (events, over all partitions) and
    its age (seconds, the oldest event not yet consumed on any partition); samples are
    kept seven days. Answers the samples between `since` (default a day ago) and `until`
    (default now), at most seven days apart, each step of `stepSeconds` holding the
    largest lag sampled within it. Needs `events:read`.

    Args:
        stream (str):
        group (str):
        since (datetime.datetime | Unset):
        until (datetime.datetime | Unset):
        step_seconds (int | Unset):  Default: 60.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[LagHistory | Problem]
    """

    kwargs = _get_kwargs(
        stream=stream,
        group=group,
        since=since,
        until=until,
        step_seconds=step_seconds,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    stream: str,
    group: str,
    *,
    client: AuthenticatedClient | Client,
    since: datetime.datetime | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
    step_seconds: int | Unset = 60,
) -> LagHistory | Problem | None:
    """The group's lag over time, sampled every minute and kept seven days

     Every minute the server records each group's lag (events, over all partitions) and
    its age (seconds, the oldest event not yet consumed on any partition); samples are
    kept seven days. Answers the samples between `since` (default a day ago) and `until`
    (default now), at most seven days apart, each step of `stepSeconds` holding the
    largest lag sampled within it. Needs `events:read`.

    Args:
        stream (str):
        group (str):
        since (datetime.datetime | Unset):
        until (datetime.datetime | Unset):
        step_seconds (int | Unset):  Default: 60.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        LagHistory | Problem
    """

    return sync_detailed(
        stream=stream,
        group=group,
        client=client,
        since=since,
        until=until,
        step_seconds=step_seconds,
    ).parsed


async def asyncio_detailed(
    stream: str,
    group: str,
    *,
    client: AuthenticatedClient | Client,
    since: datetime.datetime | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
    step_seconds: int | Unset = 60,
) -> Response[LagHistory | Problem]:
    """The group's lag over time, sampled every minute and kept seven days

     Every minute the server records each group's lag (events, over all partitions) and
    its age (seconds, the oldest event not yet consumed on any partition); samples are
    kept seven days. Answers the samples between `since` (default a day ago) and `until`
    (default now), at most seven days apart, each step of `stepSeconds` holding the
    largest lag sampled within it. Needs `events:read`.

    Args:
        stream (str):
        group (str):
        since (datetime.datetime | Unset):
        until (datetime.datetime | Unset):
        step_seconds (int | Unset):  Default: 60.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[LagHistory | Problem]
    """

    kwargs = _get_kwargs(
        stream=stream,
        group=group,
        since=since,
        until=until,
        step_seconds=step_seconds,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    stream: str,
    group: str,
    *,
    client: AuthenticatedClient | Client,
    since: datetime.datetime | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
    step_seconds: int | Unset = 60,
) -> LagHistory | Problem | None:
    """The group's lag over time, sampled every minute and kept seven days

     Every minute the server records each group's lag (events, over all partitions) and
    its age (seconds, the oldest event not yet consumed on any partition); samples are
    kept seven days. Answers the samples between `since` (default a day ago) and `until`
    (default now), at most seven days apart, each step of `stepSeconds` holding the
    largest lag sampled within it. Needs `events:read`.

    Args:
        stream (str):
        group (str):
        since (datetime.datetime | Unset):
        until (datetime.datetime | Unset):
        step_seconds (int | Unset):  Default: 60.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        LagHistory | Problem
    """

    return (
        await asyncio_detailed(
            stream=stream,
            group=group,
            client=client,
            since=since,
            until=until,
            step_seconds=step_seconds,
        )
    ).parsed
