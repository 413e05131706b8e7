from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.pull_run_outcome import PullRunOutcome
from ...models.pull_run_page import PullRunPage
from ...types import UNSET, Response, Unset


def _get_kwargs(
    stream: str,
    source: str,
    *,
    entity: str | Unset = UNSET,
    outcome: PullRunOutcome | Unset = UNSET,
    cursor: UUID | Unset = UNSET,
    limit: int | Unset = 100,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["entity"] = entity

    json_outcome: str | Unset = UNSET
    if not isinstance(outcome, Unset):
        json_outcome = outcome.value

    params["outcome"] = json_outcome

    json_cursor: str | Unset = UNSET
    if not isinstance(cursor, Unset):
        json_cursor = str(cursor)
    params["cursor"] = json_cursor

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/streams/{stream}/sources/{source}/runs".format(
            stream=quote(str(stream), safe=""),
            source=quote(str(source), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | PullRunPage | None:
    if response.status_code == 200:
        response_200 = PullRunPage.from_dict(response.json())

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
) -> Response[Problem | PullRunPage]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    stream: str,
    source: str,
    *,
    client: AuthenticatedClient | Client,
    entity: str | Unset = UNSET,
    outcome: PullRunOutcome | Unset = UNSET,
    cursor: UUID | Unset = UNSET,
    limit: int | Unset = 100,
) -> Response[Problem | PullRunPage]:
    """A source's requests and what came of each, newest first

     Runs are kept for `SLUICE_PULL_RUN_RETENTION_HOURS` (24 by default).

    Args:
        stream (str):
        source (str):
        entity (str | Unset):
        outcome (PullRunOutcome | Unset):
        cursor (UUID | Unset):
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | PullRunPage]
    """

    kwargs = _get_kwargs(
        stream=stream,
        source=source,
        entity=entity,
        outcome=outcome,
        cursor=cursor,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    stream: str,
    source: str,
    *,
    client: AuthenticatedClient | Client,
    entity: str | Unset = UNSET,
    outcome: PullRunOutcome | Unset = UNSET,
    cursor: UUID | Unset = UNSET,
    limit: int | Unset = 100,
) -> Problem | PullRunPage | None:
    """A source's requests and what came of each, newest first

     Runs are kept for `SLUICE_PULL_RUN_RETENTION_HOURS` (24 by default).

    Args:
        stream (str):
        source (str):
        entity (str | Unset):
        outcome (PullRunOutcome | Unset):
        cursor (UUID | Unset):
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | PullRunPage
    """

    return sync_detailed(
        stream=stream,
        source=source,
        client=client,
        entity=entity,
        outcome=outcome,
        cursor=cursor,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    stream: str,
    source: str,
    *,
    client: AuthenticatedClient | Client,
    entity: str | Unset = UNSET,
    outcome: PullRunOutcome | Unset = UNSET,
    cursor: UUID | Unset = UNSET,
    limit: int | Unset = 100,
) -> Response[Problem | PullRunPage]:
    """A source's requests and what came of each, newest first

     Runs are kept for `SLUICE_PULL_RUN_RETENTION_HOURS` (24 by default).

    Args:
        stream (str):
        source (str):
        entity (str | Unset):
        outcome (PullRunOutcome | Unset):
        cursor (UUID | Unset):
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | PullRunPage]
    """

    kwargs = _get_kwargs(
        stream=stream,
        source=source,
        entity=entity,
        outcome=outcome,
        cursor=cursor,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    stream: str,
    source: str,
    *,
    client: AuthenticatedClient | Client,
    entity: str | Unset = UNSET,
    outcome: PullRunOutcome | Unset = UNSET,
    cursor: UUID | Unset = UNSET,
    limit: int | Unset = 100,
) -> Problem | PullRunPage | None:
    """A source's requests and what came of each, newest first

     Runs are kept for `SLUICE_PULL_RUN_RETENTION_HOURS` (24 by default).

    Args:
        stream (str):
        source (str):
        entity (str | Unset):
        outcome (PullRunOutcome | Unset):
        cursor (UUID | Unset):
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | PullRunPage
    """

    return (
        await asyncio_detailed(
            stream=stream,
            source=source,
            client=client,
            entity=entity,
            outcome=outcome,
            cursor=cursor,
            limit=limit,
        )
    ).parsed
