from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.batch_result import BatchResult
from ...models.cloud_event import CloudEvent
from ...models.event_batch_input import EventBatchInput
from ...models.ingest_batch_content_encoding import IngestBatchContentEncoding
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    stream: str,
    *,
    body: EventBatchInput | list[CloudEvent],
    content_encoding: IngestBatchContentEncoding | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(content_encoding, Unset):
        headers["Content-Encoding"] = str(content_encoding)

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/streams/{stream}/events/batch".format(
            stream=quote(str(stream), safe=""),
        ),
    }

    if isinstance(body, EventBatchInput):
        _kwargs["json"] = body.to_dict()

        headers["Content-Type"] = "application/json"
    if isinstance(body, list):
        _kwargs["json"] = []
        for body_item_data in body:
            body_item = body_item_data.to_dict()
            _kwargs["json"].append(body_item)

        headers["Content-Type"] = "application/cloudevents-batch+json"

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
    *,
    client: AuthenticatedClient | Client,
    body: EventBatchInput | list[CloudEvent],
    content_encoding: IngestBatchContentEncoding | Unset = UNSET,
) -> Response[BatchResult | Problem]:
    """Send up to 1,000 events at once

     Answered once every stored event is committed, with one result per event, in order:
    `stored` (with partition and offset), `duplicate`, `rejected` (with the reason and a JSON
    pointer into the request) or `failed` (the store was unavailable: send it again, with
    its id, and it will be stored once). A Sluice batch (`application/json`) or a CloudEvents
    batch (`application/cloudevents-batch+json`); gzip accepted. At most 1,000 events and
    1 MiB once inflated.

    Args:
        stream (str):
        content_encoding (IngestBatchContentEncoding | Unset):
        body (EventBatchInput):
        body (list[CloudEvent]):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BatchResult | Problem]
    """

    kwargs = _get_kwargs(
        stream=stream,
        body=body,
        content_encoding=content_encoding,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    stream: str,
    *,
    client: AuthenticatedClient | Client,
    body: EventBatchInput | list[CloudEvent],
    content_encoding: IngestBatchContentEncoding | Unset = UNSET,
) -> BatchResult | Problem | None:
    """Send up to 1,000 events at once

     Answered once every stored event is committed, with one result per event, in order:
    `stored` (with partition and offset), `duplicate`, `rejected` (with the reason and a JSON
    pointer into the request) or `failed` (the store was unavailable: send it again, with
    its id, and it will be stored once). A Sluice batch (`application/json`) or a CloudEvents
    batch (`application/cloudevents-batch+json`); gzip accepted. At most 1,000 events and
    1 MiB once inflated.

    Args:
        stream (str):
        content_encoding (IngestBatchContentEncoding | Unset):
        body (EventBatchInput):
        body (list[CloudEvent]):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BatchResult | Problem
    """

    return sync_detailed(
        stream=stream,
        client=client,
        body=body,
        content_encoding=content_encoding,
    ).parsed


async def asyncio_detailed(
    stream: str,
    *,
    client: AuthenticatedClient | Client,
    body: EventBatchInput | list[CloudEvent],
    content_encoding: IngestBatchContentEncoding | Unset = UNSET,
) -> Response[BatchResult | Problem]:
    """Send up to 1,000 events at once

     Answered once every stored event is committed, with one result per event, in order:
    `stored` (with partition and offset), `duplicate`, `rejected` (with the reason and a JSON
    pointer into the request) or `failed` (the store was unavailable: send it again, with
    its id, and it will be stored once). A Sluice batch (`application/json`) or a CloudEvents
    batch (`application/cloudevents-batch+json`); gzip accepted. At most 1,000 events and
    1 MiB once inflated.

    Args:
        stream (str):
        content_encoding (IngestBatchContentEncoding | Unset):
        body (EventBatchInput):
        body (list[CloudEvent]):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BatchResult | Problem]
    """

    kwargs = _get_kwargs(
        stream=stream,
        body=body,
        content_encoding=content_encoding,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    stream: str,
    *,
    client: AuthenticatedClient | Client,
    body: EventBatchInput | list[CloudEvent],
    content_encoding: IngestBatchContentEncoding | Unset = UNSET,
) -> BatchResult | Problem | None:
    """Send up to 1,000 events at once

     Answered once every stored event is committed, with one result per event, in order:
    `stored` (with partition and offset), `duplicate`, `rejected` (with the reason and a JSON
    pointer into the request) or `failed` (the store was unavailable: send it again, with
    its id, and it will be stored once). A Sluice batch (`application/json`) or a CloudEvents
    batch (`application/cloudevents-batch+json`); gzip accepted. At most 1,000 events and
    1 MiB once inflated.

    Args:
        stream (str):
        content_encoding (IngestBatchContentEncoding | Unset):
        body (EventBatchInput):
        body (list[CloudEvent]):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BatchResult | Problem
    """

    return (
        await asyncio_detailed(
            stream=stream,
            client=client,
            body=body,
            content_encoding=content_encoding,
        )
    ).parsed
