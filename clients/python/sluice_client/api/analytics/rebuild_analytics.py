from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.analytics_rebuild import AnalyticsRebuild
from ...models.analytics_rebuild_request import AnalyticsRebuildRequest
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    stream: str,
    *,
    body: AnalyticsRebuildRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/streams/{stream}/analytics/rebuild".format(
            stream=quote(str(stream), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AnalyticsRebuild | Problem | None:
    if response.status_code == 200:
        response_200 = AnalyticsRebuild.from_dict(response.json())

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
) -> Response[AnalyticsRebuild | Problem]:
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
    body: AnalyticsRebuildRequest,
) -> Response[AnalyticsRebuild | Problem]:
    """Rebuild the rollups of whole UTC days from the event store

     After a change of dimensions or a fix: the rollups of the UTC days covering
    [`from`, `to`) (at most 31) are deleted and aggregated again, in one transaction, from
    the stored events the rollup consumer had applied (late events stay out). Ingest goes
    on meanwhile; the consumer waits for the rebuild and carries on where it was, so no
    event is counted twice or missed. Events past the stream's retention are gone and
    cannot be counted again. Needs `streams:manage`; audited.

    Args:
        stream (str):
        body (AnalyticsRebuildRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AnalyticsRebuild | Problem]
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
    body: AnalyticsRebuildRequest,
) -> AnalyticsRebuild | Problem | None:
    """Rebuild the rollups of whole UTC days from the event store

     After a change of dimensions or a fix: the rollups of the UTC days covering
    [`from`, `to`) (at most 31) are deleted and aggregated again, in one transaction, from
    the stored events the rollup consumer had applied (late events stay out). Ingest goes
    on meanwhile; the consumer waits for the rebuild and carries on where it was, so no
    event is counted twice or missed. Events past the stream's retention are gone and
    cannot be counted again. Needs `streams:manage`; audited.

    Args:
        stream (str):
        body (AnalyticsRebuildRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AnalyticsRebuild | Problem
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
    body: AnalyticsRebuildRequest,
) -> Response[AnalyticsRebuild | Problem]:
    """Rebuild the rollups of whole UTC days from the event store

     After a change of dimensions or a fix: the rollups of the UTC days covering
    [`from`, `to`) (at most 31) are deleted and aggregated again, in one transaction, from
    the stored events the rollup consumer had applied (late events stay out). Ingest goes
    on meanwhile; the consumer waits for the rebuild and carries on where it was, so no
    event is counted twice or missed. Events past the stream's retention are gone and
    cannot be counted again. Needs `streams:manage`; audited.

    Args:
        stream (str):
        body (AnalyticsRebuildRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AnalyticsRebuild | Problem]
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
    body: AnalyticsRebuildRequest,
) -> AnalyticsRebuild | Problem | None:
    """Rebuild the rollups of whole UTC days from the event store

     After a change of dimensions or a fix: the rollups of the UTC days covering
    [`from`, `to`) (at most 31) are deleted and aggregated again, in one transaction, from
    the stored events the rollup consumer had applied (late events stay out). Ingest goes
    on meanwhile; the consumer waits for the rebuild and carries on where it was, so no
    event is counted twice or missed. Events past the stream's retention are gone and
    cannot be counted again. Needs `streams:manage`; audited.

    Args:
        stream (str):
        body (AnalyticsRebuildRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AnalyticsRebuild | Problem
    """

    return (
        await asyncio_detailed(
            stream=stream,
            client=client,
            body=body,
        )
    ).parsed
