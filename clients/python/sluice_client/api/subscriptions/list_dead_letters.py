import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.delivery_page import DeliveryPage
from ...models.list_dead_letters_status import ListDeadLettersStatus
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    stream: str,
    subscription: str,
    *,
    status: ListDeadLettersStatus | Unset = ListDeadLettersStatus.DEAD,
    event_type: str | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
    http_status: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = 100,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    params["eventType"] = event_type

    json_since: str | Unset = UNSET
    if not isinstance(since, Unset):
        json_since = since.isoformat()
    params["since"] = json_since

    json_until: str | Unset = UNSET
    if not isinstance(until, Unset):
        json_until = until.isoformat()
    params["until"] = json_until

    params["httpStatus"] = http_status

    params["cursor"] = cursor

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/streams/{stream}/subscriptions/{subscription}/dead-letters".format(
            stream=quote(str(stream), safe=""),
            subscription=quote(str(subscription), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> DeliveryPage | Problem | None:
    if response.status_code == 200:
        response_200 = DeliveryPage.from_dict(response.json())

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
) -> Response[DeliveryPage | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    stream: str,
    subscription: str,
    *,
    client: AuthenticatedClient | Client,
    status: ListDeadLettersStatus | Unset = ListDeadLettersStatus.DEAD,
    event_type: str | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
    http_status: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = 100,
) -> Response[DeliveryPage | Problem]:
    """The subscription's dead letters (or deliveries waiting for a retry), newest first, filtered

    Args:
        stream (str):
        subscription (str):
        status (ListDeadLettersStatus | Unset):  Default: ListDeadLettersStatus.DEAD.
        event_type (str | Unset):
        since (datetime.datetime | Unset):
        until (datetime.datetime | Unset):
        http_status (int | Unset):
        cursor (str | Unset):
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeliveryPage | Problem]
    """

    kwargs = _get_kwargs(
        stream=stream,
        subscription=subscription,
        status=status,
        event_type=event_type,
        since=since,
        until=until,
        http_status=http_status,
        cursor=cursor,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    stream: str,
    subscription: str,
    *,
    client: AuthenticatedClient | Client,
    status: ListDeadLettersStatus | Unset = ListDeadLettersStatus.DEAD,
    event_type: str | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
    http_status: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = 100,
) -> DeliveryPage | Problem | None:
    """The subscription's dead letters (or deliveries waiting for a retry), newest first, filtered

    Args:
        stream (str):
        subscription (str):
        status (ListDeadLettersStatus | Unset):  Default: ListDeadLettersStatus.DEAD.
        event_type (str | Unset):
        since (datetime.datetime | Unset):
        until (datetime.datetime | Unset):
        http_status (int | Unset):
        cursor (str | Unset):
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeliveryPage | Problem
    """

    return sync_detailed(
        stream=stream,
        subscription=subscription,
        client=client,
        status=status,
        event_type=event_type,
        since=since,
        until=until,
        http_status=http_status,
        cursor=cursor,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    stream: str,
    subscription: str,
    *,
    client: AuthenticatedClient | Client,
    status: ListDeadLettersStatus | Unset = ListDeadLettersStatus.DEAD,
    event_type: str | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
    http_status: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = 100,
) -> Response[DeliveryPage | Problem]:
    """The subscription's dead letters (or deliveries waiting for a retry), newest first, filtered

    Args:
        stream (str):
        subscription (str):
        status (ListDeadLettersStatus | Unset):  Default: ListDeadLettersStatus.DEAD.
        event_type (str | Unset):
        since (datetime.datetime | Unset):
        until (datetime.datetime | Unset):
        http_status (int | Unset):
        cursor (str | Unset):
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeliveryPage | Problem]
    """

    kwargs = _get_kwargs(
        stream=stream,
        subscription=subscription,
        status=status,
        event_type=event_type,
        since=since,
        until=until,
        http_status=http_status,
        cursor=cursor,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    stream: str,
    subscription: str,
    *,
    client: AuthenticatedClient | Client,
    status: ListDeadLettersStatus | Unset = ListDeadLettersStatus.DEAD,
    event_type: str | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
    http_status: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = 100,
) -> DeliveryPage | Problem | None:
    """The subscription's dead letters (or deliveries waiting for a retry), newest first, filtered

    Args:
        stream (str):
        subscription (str):
        status (ListDeadLettersStatus | Unset):  Default: ListDeadLettersStatus.DEAD.
        event_type (str | Unset):
        since (datetime.datetime | Unset):
        until (datetime.datetime | Unset):
        http_status (int | Unset):
        cursor (str | Unset):
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeliveryPage | Problem
    """

    return (
        await asyncio_detailed(
            stream=stream,
            subscription=subscription,
            client=client,
            status=status,
            event_type=event_type,
            since=since,
            until=until,
            http_status=http_status,
            cursor=cursor,
            limit=limit,
        )
    ).parsed
