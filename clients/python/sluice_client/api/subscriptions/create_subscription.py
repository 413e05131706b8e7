from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.create_subscription_request import CreateSubscriptionRequest
from ...models.created_subscription import CreatedSubscription
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    stream: str,
    *,
    body: CreateSubscriptionRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/streams/{stream}/subscriptions".format(
            stream=quote(str(stream), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CreatedSubscription | Problem | None:
    if response.status_code == 201:
        response_201 = CreatedSubscription.from_dict(response.json())

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
) -> Response[CreatedSubscription | Problem]:
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
    body: CreateSubscriptionRequest,
) -> Response[CreatedSubscription | Problem]:
    """Push the stream's events to a webhook, through a consumer group

     The worker pool posts each event (the `Event` representation, one per request) to `url`,
    signed per the Standard Webhooks specification: `webhook-id` (the event id, the same on
    every attempt), `webhook-timestamp` (Unix seconds), `webhook-signature` (`v1,` and the
    base64 HMAC-SHA256 of `id.timestamp.body` under the secret's base64-decoded bytes; during
    a rotation, one signature per valid secret, space-separated). A 2xx within `timeoutMs`
    is success; another status, a redirect, a timeout or a connection error is a failure.
    Delivery is at-least-once and in offset order per partition. A failed event is retried
    on `retrySchedule` while the partition moves on (unless `strictOrdering`), and after
    `maxAttempts` goes to the dead-letter queue. After `circuitFailures` consecutive
    failures spanning at least `circuitPeriodSeconds`, the subscription pauses (audited).
    Without `consumerGroup` a group of the subscription's name is made, starting at
    `start`. The answer carries the signing secret. Needs `streams:manage`; audited.

    Args:
        stream (str):
        body (CreateSubscriptionRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreatedSubscription | Problem]
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
    body: CreateSubscriptionRequest,
) -> CreatedSubscription | Problem | None:
    """Push the stream's events to a webhook, through a consumer group

     The worker pool posts each event (the `Event` representation, one per request) to `url`,
    signed per the Standard Webhooks specification: `webhook-id` (the event id, the same on
    every attempt), `webhook-timestamp` (Unix seconds), `webhook-signature` (`v1,` and the
    base64 HMAC-SHA256 of `id.timestamp.body` under the secret's base64-decoded bytes; during
    a rotation, one signature per valid secret, space-separated). A 2xx within `timeoutMs`
    is success; another status, a redirect, a timeout or a connection error is a failure.
    Delivery is at-least-once and in offset order per partition. A failed event is retried
    on `retrySchedule` while the partition moves on (unless `strictOrdering`), and after
    `maxAttempts` goes to the dead-letter queue. After `circuitFailures` consecutive
    failures spanning at least `circuitPeriodSeconds`, the subscription pauses (audited).
    Without `consumerGroup` a group of the subscription's name is made, starting at
    `start`. The answer carries the signing secret. Needs `streams:manage`; audited.

    Args:
        stream (str):
        body (CreateSubscriptionRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreatedSubscription | Problem
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
    body: CreateSubscriptionRequest,
) -> Response[CreatedSubscription | Problem]:
    """Push the stream's events to a webhook, through a consumer group

     The worker pool posts each event (the `Event` representation, one per request) to `url`,
    signed per the Standard Webhooks specification: `webhook-id` (the event id, the same on
    every attempt), `webhook-timestamp` (Unix seconds), `webhook-signature` (`v1,` and the
    base64 HMAC-SHA256 of `id.timestamp.body` under the secret's base64-decoded bytes; during
    a rotation, one signature per valid secret, space-separated). A 2xx within `timeoutMs`
    is success; another status, a redirect, a timeout or a connection error is a failure.
    Delivery is at-least-once and in offset order per partition. A failed event is retried
    on `retrySchedule` while the partition moves on (unless `strictOrdering`), and after
    `maxAttempts` goes to the dead-letter queue. After `circuitFailures` consecutive
    failures spanning at least `circuitPeriodSeconds`, the subscription pauses (audited).
    Without `consumerGroup` a group of the subscription's name is made, starting at
    `start`. The answer carries the signing secret. Needs `streams:manage`; audited.

    Args:
        stream (str):
        body (CreateSubscriptionRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreatedSubscription | Problem]
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
    body: CreateSubscriptionRequest,
) -> CreatedSubscription | Problem | None:
    """Push the stream's events to a webhook, through a consumer group

     The worker pool posts each event (the `Event` representation, one per request) to `url`,
    signed per the Standard Webhooks specification: `webhook-id` (the event id, the same on
    every attempt), `webhook-timestamp` (Unix seconds), `webhook-signature` (`v1,` and the
    base64 HMAC-SHA256 of `id.timestamp.body` under the secret's base64-decoded bytes; during
    a rotation, one signature per valid secret, space-separated). A 2xx within `timeoutMs`
    is success; another status, a redirect, a timeout or a connection error is a failure.
    Delivery is at-least-once and in offset order per partition. A failed event is retried
    on `retrySchedule` while the partition moves on (unless `strictOrdering`), and after
    `maxAttempts` goes to the dead-letter queue. After `circuitFailures` consecutive
    failures spanning at least `circuitPeriodSeconds`, the subscription pauses (audited).
    Without `consumerGroup` a group of the subscription's name is made, starting at
    `start`. The answer carries the signing secret. Needs `streams:manage`; audited.

    Args:
        stream (str):
        body (CreateSubscriptionRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreatedSubscription | Problem
    """

    return (
        await asyncio_detailed(
            stream=stream,
            client=client,
            body=body,
        )
    ).parsed
