from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.batch_result import BatchResult
from ...models.ingest_platform_content_encoding import IngestPlatformContentEncoding
from ...models.ingest_platform_platform import IngestPlatformPlatform
from ...models.platform_payload import PlatformPayload
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    stream: str,
    platform: IngestPlatformPlatform,
    *,
    body: PlatformPayload,
    content_encoding: IngestPlatformContentEncoding | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(content_encoding, Unset):
        headers["Content-Encoding"] = str(content_encoding)

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/streams/{stream}/platforms/{platform}".format(
            stream=quote(str(stream), safe=""),
            platform=quote(str(platform), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> BatchResult | Problem | None:
    if response.status_code == 200:
        response_200 = BatchResult.from_dict(response.json())

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
) -> Response[BatchResult | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    stream: str,
    platform: IngestPlatformPlatform,
    *,
    client: AuthenticatedClient | Client,
    body: PlatformPayload,
    content_encoding: IngestPlatformContentEncoding | Unset = UNSET,
) -> Response[BatchResult | Problem]:
    """Send a platform's native payload, normalized into unified social events

     Twitter/X API v2 responses (tweets with `public_metrics`, users), YouTube Data API v3
    `videos.list` / `channels.list` responses, Instagram Graph API media or account objects
    (or `{"data": [...]}`) and webhook notifications. Each item becomes one event of type
    `social.post.metrics`, `social.account.metrics`, `social.comment.created` or
    `social.mention.created` in the unified social shape (see the README), keyed
    `platform:accountId`, the original kept under `raw`. The same payload sent twice is
    stored once. Answered like a batch: one result per item; a malformed item is rejected
    with a pointer into the payload. Needs `events:write`; gzip accepted.

    Args:
        stream (str):
        platform (IngestPlatformPlatform):
        content_encoding (IngestPlatformContentEncoding | Unset):
        body (PlatformPayload): A platform's own JSON, as its API or webhook sends it.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BatchResult | Problem]
    """

    kwargs = _get_kwargs(
        stream=stream,
        platform=platform,
        body=body,
        content_encoding=content_encoding,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    stream: str,
    platform: IngestPlatformPlatform,
    *,
    client: AuthenticatedClient | Client,
    body: PlatformPayload,
    content_encoding: IngestPlatformContentEncoding | Unset = UNSET,
) -> BatchResult | Problem | None:
    """Send a platform's native payload, normalized into unified social events

     Twitter/X API v2 responses (tweets with `public_metrics`, users), YouTube Data API v3
    `videos.list` / `channels.list` responses, Instagram Graph API media or account objects
    (or `{"data": [...]}`) and webhook notifications. Each item becomes one event of type
    `social.post.metrics`, `social.account.metrics`, `social.comment.created` or
    `social.mention.created` in the unified social shape (see the README), keyed
    `platform:accountId`, the original kept under `raw`. The same payload sent twice is
    stored once. Answered like a batch: one result per item; a malformed item is rejected
    with a pointer into the payload. Needs `events:write`; gzip accepted.

    Args:
        stream (str):
        platform (IngestPlatformPlatform):
        content_encoding (IngestPlatformContentEncoding | Unset):
        body (PlatformPayload): A platform's own JSON, as its API or webhook sends it.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BatchResult | Problem
    """

    return sync_detailed(
        stream=stream,
        platform=platform,
        client=client,
        body=body,
        content_encoding=content_encoding,
    ).parsed


async def asyncio_detailed(
    stream: str,
    platform: IngestPlatformPlatform,
    *,
    client: AuthenticatedClient | Client,
    body: PlatformPayload,
    content_encoding: IngestPlatformContentEncoding | Unset = UNSET,
) -> Response[BatchResult | Problem]:
    """Send a platform's native payload, normalized into unified social events

     Twitter/X API v2 responses (tweets with `public_metrics`, users), YouTube Data API v3
    `videos.list` / `channels.list` responses, Instagram Graph API media or account objects
    (or `{"data": [...]}`) and webhook notifications. Each item becomes one event of type
    `social.post.metrics`, `social.account.metrics`, `social.comment.created` or
    `social.mention.created` in the unified social shape (see the README), keyed
    `platform:accountId`, the original kept under `raw`. The same payload sent twice is
    stored once. Answered like a batch: one result per item; a malformed item is rejected
    with a pointer into the payload. Needs `events:write`; gzip accepted.

    Args:
        stream (str):
        platform (IngestPlatformPlatform):
        content_encoding (IngestPlatformContentEncoding | Unset):
        body (PlatformPayload): A platform's own JSON, as its API or webhook sends it.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BatchResult | Problem]
    """

    kwargs = _get_kwargs(
        stream=stream,
        platform=platform,
        body=body,
        content_encoding=content_encoding,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    stream: str,
    platform: IngestPlatformPlatform,
    *,
    client: AuthenticatedClient | Client,
    body: PlatformPayload,
    content_encoding: IngestPlatformContentEncoding | Unset = UNSET,
) -> BatchResult | Problem | None:
    """Send a platform's native payload, normalized into unified social events

     Twitter/X API v2 responses (tweets with `public_metrics`, users), YouTube Data API v3
    `videos.list` / `channels.list` responses, Instagram Graph API media or account objects
    (or `{"data": [...]}`) and webhook notifications. Each item becomes one event of type
    `social.post.metrics`, `social.account.metrics`, `social.comment.created` or
    `social.mention.created` in the unified social shape (see the README), keyed
    `platform:accountId`, the original kept under `raw`. The same payload sent twice is
    stored once. Answered like a batch: one result per item; a malformed item is rejected
    with a pointer into the payload. Needs `events:write`; gzip accepted.

    Args:
        stream (str):
        platform (IngestPlatformPlatform):
        content_encoding (IngestPlatformContentEncoding | Unset):
        body (PlatformPayload): A platform's own JSON, as its API or webhook sends it.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BatchResult | Problem
    """

    return (
        await asyncio_detailed(
            stream=stream,
            platform=platform,
            client=client,
            body=body,
            content_encoding=content_encoding,
        )
    ).parsed
