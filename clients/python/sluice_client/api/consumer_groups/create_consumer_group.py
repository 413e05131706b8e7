from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.consumer_group import ConsumerGroup
from ...models.create_consumer_group_request import CreateConsumerGroupRequest
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    stream: str,
    *,
    body: CreateConsumerGroupRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/streams/{stream}/consumer-groups".format(
            stream=quote(str(stream), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ConsumerGroup | Problem | None:
    if response.status_code == 201:
        response_201 = ConsumerGroup.from_dict(response.json())

        return response_201

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

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = Problem.from_dict(response.json())

        return response_415

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
) -> Response[ConsumerGroup | Problem]:
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
    body: CreateConsumerGroupRequest,
) -> Response[ConsumerGroup | Problem]:
    """Create a consumer group, starting at the earliest kept event, the end, or a time

     Needs `events:read` on the stream. Delivery to a group is at-least-once: events read
    and not committed are read again. Audited (`consumergroup.created`).

    Args:
        stream (str):
        body (CreateConsumerGroupRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ConsumerGroup | Problem]
    """

    kwargs = _get_kwargs(
        stream=stream,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    stream: str,
    *,
    client: AuthenticatedClient | Client,
    body: CreateConsumerGroupRequest,
) -> ConsumerGroup | Problem | None:
    """Create a consumer group, starting at the earliest kept event, the end, or a time

     Needs `events:read` on the stream. Delivery to a group is at-least-once: events read
    and not committed are read again. Audited (`consumergroup.created`).

    Args:
        stream (str):
        body (CreateConsumerGroupRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ConsumerGroup | Problem
    """

    return sync_detailed(
        stream=stream,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    stream: str,
    *,
    client: AuthenticatedClient | Client,
    body: CreateConsumerGroupRequest,
) -> Response[ConsumerGroup | Problem]:
    """Create a consumer group, starting at the earliest kept event, the end, or a time

     Needs `events:read` on the stream. Delivery to a group is at-least-once: events read
    and not committed are read again. Audited (`consumergroup.created`).

    Args:
        stream (str):
        body (CreateConsumerGroupRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ConsumerGroup | Problem]
    """

    kwargs = _get_kwargs(
        stream=stream,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    stream: str,
    *,
    client: AuthenticatedClient | Client,
    body: CreateConsumerGroupRequest,
) -> ConsumerGroup | Problem | None:
    """Create a consumer group, starting at the earliest kept event, the end, or a time

     Needs `events:read` on the stream. Delivery to a group is at-least-once: events read
    and not committed are read again. Audited (`consumergroup.created`).

    Args:
        stream (str):
        body (CreateConsumerGroupRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ConsumerGroup | Problem
    """

    return (
        await asyncio_detailed(
            stream=stream,
            client=client,
            body=body,
        )
    ).parsed
