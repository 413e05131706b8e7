from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.failure_page import FailurePage
from ...models.list_failures_kind import ListFailuresKind
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    stream: str,
    *,
    kind: ListFailuresKind | Unset = UNSET,
    subscription: str | Unset = UNSET,
    event_type: str | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = 100,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_kind: str | Unset = UNSET
    if not isinstance(kind, Unset):
        json_kind = kind.value

    params["kind"] = json_kind

    params["subscription"] = subscription

    params["eventType"] = event_type

    params["cursor"] = cursor

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/streams/{stream}/failures".format(
            stream=quote(str(stream), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> FailurePage | Problem | None:
    if response.status_code == 200:
        response_200 = FailurePage.from_dict(response.json())

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
) -> Response[FailurePage | Problem]:
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
    kind: ListFailuresKind | Unset = UNSET,
    subscription: str | Unset = UNSET,
    event_type: str | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = 100,
) -> Response[FailurePage | Problem]:
    """Everything that failed in the stream, in one place, newest first

     One failure model: `delivery` — dead letters of the stream's subscriptions (act on them
    under `/subscriptions/{subscription}/dead-letters`); `quarantine` — events refused by
    the stream's schemas and held (act on them under `/quarantine`); `late` — events that
    came later than the stream's analytics watermark allowed: stored, delivered and readable
    like any other, but not counted in the rollups (see `/analytics`).

    Args:
        stream (str):
        kind (ListFailuresKind | Unset):
        subscription (str | Unset):
        event_type (str | Unset):
        cursor (str | Unset):
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[FailurePage | Problem]
    """

    kwargs = _get_kwargs(
        stream=stream,
        kind=kind,
        subscription=subscription,
        event_type=event_type,
        cursor=cursor,
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
    kind: ListFailuresKind | Unset = UNSET,
    subscription: str | Unset = UNSET,
    event_type: str | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = 100,
) -> FailurePage | Problem | None:
    """Everything that failed in the stream, in one place, newest first

     One failure model: `delivery` — dead letters of the stream's subscriptions (act on them
    under `/subscriptions/{subscription}/dead-letters`); `quarantine` — events refused by
    the stream's schemas and held (act on them under `/quarantine`); `late` — events that
    came later than the stream's analytics watermark allowed: stored, delivered and readable
    like any other, but not counted in the rollups (see `/analytics`).

    Args:
        stream (str):
        kind (ListFailuresKind | Unset):
        subscription (str | Unset):
        event_type (str | Unset):
        cursor (str | Unset):
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        FailurePage | Problem
    """

    return sync_detailed(
        stream=stream,
        client=client,
        kind=kind,
        subscription=subscription,
        event_type=event_type,
        cursor=cursor,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    stream: str,
    *,
    client: AuthenticatedClient | Client,
    kind: ListFailuresKind | Unset = UNSET,
    subscription: str | Unset = UNSET,
    event_type: str | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = 100,
) -> Response[FailurePage | Problem]:
    """Everything that failed in the stream, in one place, newest first

     One failure model: `delivery` — dead letters of the stream's subscriptions (act on them
    under `/subscriptions/{subscription}/dead-letters`); `quarantine` — events refused by
    the stream's schemas and held (act on them under `/quarantine`); `late` — events that
    came later than the stream's analytics watermark allowed: stored, delivered and readable
    like any other, but not counted in the rollups (see `/analytics`).

    Args:
        stream (str):
        kind (ListFailuresKind | Unset):
        subscription (str | Unset):
        event_type (str | Unset):
        cursor (str | Unset):
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[FailurePage | Problem]
    """

    kwargs = _get_kwargs(
        stream=stream,
        kind=kind,
        subscription=subscription,
        event_type=event_type,
        cursor=cursor,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    stream: str,
    *,
    client: AuthenticatedClient | Client,
    kind: ListFailuresKind | Unset = UNSET,
    subscription: str | Unset = UNSET,
    event_type: str | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = 100,
) -> FailurePage | Problem | None:
    """Everything that failed in the stream, in one place, newest first

     One failure model: `delivery` — dead letters of the stream's subscriptions (act on them
    under `/subscriptions/{subscription}/dead-letters`); `quarantine` — events refused by
    the stream's schemas and held (act on them under `/quarantine`); `late` — events that
    came later than the stream's analytics watermark allowed: stored, delivered and readable
    like any other, but not counted in the rollups (see `/analytics`).

    Args:
        stream (str):
        kind (ListFailuresKind | Unset):
        subscription (str | Unset):
        event_type (str | Unset):
        cursor (str | Unset):
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        FailurePage | Problem
    """

    return (
        await asyncio_detailed(
            stream=stream,
            client=client,
            kind=kind,
            subscription=subscription,
            event_type=event_type,
            cursor=cursor,
            limit=limit,
        )
    ).parsed
