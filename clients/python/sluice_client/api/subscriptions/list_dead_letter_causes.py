from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.dead_letter_cause_list import DeadLetterCauseList
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    stream: str,
    subscription: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/streams/{stream}/subscriptions/{subscription}/dead-letter-causes".format(
            stream=quote(str(stream), safe=""),
            subscription=quote(str(subscription), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DeadLetterCauseList | Problem | None:
    if response.status_code == 200:
        response_200 = DeadLetterCauseList.from_dict(response.json())

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
) -> Response[DeadLetterCauseList | Problem]:
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
) -> Response[DeadLetterCauseList | Problem]:
    """The dead-letter queue grouped by cause (the last attempt's HTTP status and error)

     The subscription's dead letters counted by the last attempt's HTTP status and error,
    largest group first, at most 100 groups. A group's `httpStatus` and `error` select it
    in a replay or purge filter. Needs `events:read`.

    Args:
        stream (str):
        subscription (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeadLetterCauseList | Problem]
    """

    kwargs = _get_kwargs(
        stream=stream,
        subscription=subscription,
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
) -> DeadLetterCauseList | Problem | None:
    """The dead-letter queue grouped by cause (the last attempt's HTTP status and error)

     The subscription's dead letters counted by the last attempt's HTTP status and error,
    largest group first, at most 100 groups. A group's `httpStatus` and `error` select it
    in a replay or purge filter. Needs `events:read`.

    Args:
        stream (str):
        subscription (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeadLetterCauseList | Problem
    """

    return sync_detailed(
        stream=stream,
        subscription=subscription,
        client=client,
    ).parsed


async def asyncio_detailed(
    stream: str,
    subscription: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[DeadLetterCauseList | Problem]:
    """The dead-letter queue grouped by cause (the last attempt's HTTP status and error)

     The subscription's dead letters counted by the last attempt's HTTP status and error,
    largest group first, at most 100 groups. A group's `httpStatus` and `error` select it
    in a replay or purge filter. Needs `events:read`.

    Args:
        stream (str):
        subscription (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeadLetterCauseList | Problem]
    """

    kwargs = _get_kwargs(
        stream=stream,
        subscription=subscription,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    stream: str,
    subscription: str,
    *,
    client: AuthenticatedClient | Client,
) -> DeadLetterCauseList | Problem | None:
    """The dead-letter queue grouped by cause (the last attempt's HTTP status and error)

     The subscription's dead letters counted by the last attempt's HTTP status and error,
    largest group first, at most 100 groups. A group's `httpStatus` and `error` select it
    in a replay or purge filter. Needs `events:read`.

    Args:
        stream (str):
        subscription (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeadLetterCauseList | Problem
    """

    return (
        await asyncio_detailed(
            stream=stream,
            subscription=subscription,
            client=client,
        )
    ).parsed
