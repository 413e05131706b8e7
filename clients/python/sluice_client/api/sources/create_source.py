from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.create_pull_source_request import CreatePullSourceRequest
from ...models.problem import Problem
from ...models.pull_source import PullSource
from ...types import Response


def _get_kwargs(
    stream: str,
    *,
    body: CreatePullSourceRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/streams/{stream}/sources".format(
            stream=quote(str(stream), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | PullSource | None:
    if response.status_code == 201:
        response_201 = PullSource.from_dict(response.json())

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
) -> Response[Problem | PullSource]:
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
    body: CreatePullSourceRequest,
) -> Response[Problem | PullSource]:
    """Poll an HTTP JSON API for each of a list of entities, into the stream

     The pull workers (in `sluice serve` and `sluice worker`) `GET` the `url` for each entity
    every `intervalSeconds` (plus up to `jitterSeconds`), with `headers` and the sealed
    `secretHeaders`, at most `concurrency` requests at once and `requestsPerMinute` started per
    minute (paced evenly) across every worker; no two workers poll one entity at once. A 2xx
    JSON answer becomes one event in the normalized social shape (`social.account.metrics` or
    `social.post.metrics`, the entity its account or post, `metrics` read at the mapping's
    JSON pointers, the answer itself as `raw`), appended like any other (schema checks,
    quarantine). A failure (another status, a timeout, a connection error, an answer that
    does not map) is retried after `retryInitialSeconds`, doubling, at most the interval. A 429
    stops the whole source until its `Retry-After` (60 s when absent, at most an hour). Every
    request is a run. Needs `streams:manage`; audited (secret header names, never values).

    Args:
        stream (str):
        body (CreatePullSourceRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | PullSource]
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
    body: CreatePullSourceRequest,
) -> Problem | PullSource | None:
    """Poll an HTTP JSON API for each of a list of entities, into the stream

     The pull workers (in `sluice serve` and `sluice worker`) `GET` the `url` for each entity
    every `intervalSeconds` (plus up to `jitterSeconds`), with `headers` and the sealed
    `secretHeaders`, at most `concurrency` requests at once and `requestsPerMinute` started per
    minute (paced evenly) across every worker; no two workers poll one entity at once. A 2xx
    JSON answer becomes one event in the normalized social shape (`social.account.metrics` or
    `social.post.metrics`, the entity its account or post, `metrics` read at the mapping's
    JSON pointers, the answer itself as `raw`), appended like any other (schema checks,
    quarantine). A failure (another status, a timeout, a connection error, an answer that
    does not map) is retried after `retryInitialSeconds`, doubling, at most the interval. A 429
    stops the whole source until its `Retry-After` (60 s when absent, at most an hour). Every
    request is a run. Needs `streams:manage`; audited (secret header names, never values).

    Args:
        stream (str):
        body (CreatePullSourceRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | PullSource
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
    body: CreatePullSourceRequest,
) -> Response[Problem | PullSource]:
    """Poll an HTTP JSON API for each of a list of entities, into the stream

     The pull workers (in `sluice serve` and `sluice worker`) `GET` the `url` for each entity
    every `intervalSeconds` (plus up to `jitterSeconds`), with `headers` and the sealed
    `secretHeaders`, at most `concurrency` requests at once and `requestsPerMinute` started per
    minute (paced evenly) across every worker; no two workers poll one entity at once. A 2xx
    JSON answer becomes one event in the normalized social shape (`social.account.metrics` or
    `social.post.metrics`, the entity its account or post, `metrics` read at the mapping's
    JSON pointers, the answer itself as `raw`), appended like any other (schema checks,
    quarantine). A failure (another status, a timeout, a connection error, an answer that
    does not map) is retried after `retryInitialSeconds`, doubling, at most the interval. A 429
    stops the whole source until its `Retry-After` (60 s when absent, at most an hour). Every
    request is a run. Needs `streams:manage`; audited (secret header names, never values).

    Args:
        stream (str):
        body (CreatePullSourceRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | PullSource]
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
    body: CreatePullSourceRequest,
) -> Problem | PullSource | None:
    """Poll an HTTP JSON API for each of a list of entities, into the stream

     The pull workers (in `sluice serve` and `sluice worker`) `GET` the `url` for each entity
    every `intervalSeconds` (plus up to `jitterSeconds`), with `headers` and the sealed
    `secretHeaders`, at most `concurrency` requests at once and `requestsPerMinute` started per
    minute (paced evenly) across every worker; no two workers poll one entity at once. A 2xx
    JSON answer becomes one event in the normalized social shape (`social.account.metrics` or
    `social.post.metrics`, the entity its account or post, `metrics` read at the mapping's
    JSON pointers, the answer itself as `raw`), appended like any other (schema checks,
    quarantine). A failure (another status, a timeout, a connection error, an answer that
    does not map) is retried after `retryInitialSeconds`, doubling, at most the interval. A 429
    stops the whole source until its `Retry-After` (60 s when absent, at most an hour). Every
    request is a run. Needs `streams:manage`; audited (secret header names, never values).

    Args:
        stream (str):
        body (CreatePullSourceRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | PullSource
    """

    return (
        await asyncio_detailed(
            stream=stream,
            client=client,
            body=body,
        )
    ).parsed
