from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.cloud_event import CloudEvent
from ...models.event_input import EventInput
from ...models.ingest_event_content_encoding import IngestEventContentEncoding
from ...models.ingest_result import IngestResult
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    stream: str,
    *,
    body: EventInput | CloudEvent,
    content_encoding: IngestEventContentEncoding | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(content_encoding, Unset):
        headers["Content-Encoding"] = str(content_encoding)

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/streams/{stream}/events".format(
            stream=quote(str(stream), safe=""),
        ),
    }

    if isinstance(body, EventInput):
        _kwargs["json"] = body.to_dict()

        headers["Content-Type"] = "application/json"
    if isinstance(body, CloudEvent):
        _kwargs["json"] = body.to_dict()

        headers["Content-Type"] = "application/cloudevents+json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> IngestResult | Problem | None:
    if response.status_code == 200:
        response_200 = IngestResult.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = IngestResult.from_dict(response.json())

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

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = Problem.from_dict(response.json())

        return response_415

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

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
) -> Response[IngestResult | Problem]:
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
    body: EventInput | CloudEvent,
    content_encoding: IngestEventContentEncoding | Unset = UNSET,
) -> Response[IngestResult | Problem]:
    """Send one event

     Answered once the event is committed (durable). A Sluice event (`application/json`) or a
    CloudEvents 1.0 event in structured mode (`application/cloudevents+json`); the body may
    be gzip-compressed (`Content-Encoding: gzip`, at most 1 MiB once inflated). An event
    whose `id` the stream already stored within its dedupe window is answered 200 with
    status `duplicate` and stored no second time. Needs `events:write` on the stream.

    Args:
        stream (str):
        content_encoding (IngestEventContentEncoding | Unset):
        body (EventInput): A Sluice event as a producer sends it.
        body (CloudEvent): A CloudEvents 1.0 event in JSON format. `id` becomes the event id (a
            non-UUID id is mapped
            to a stable UUID from `source` and `id`), `source`, `type` and `time` map to the Sluice
            fields, the `partitionkey` extension (or else `subject`) to the key, `data` (or
            `data_base64`) to the payload; every other attribute is kept under `attributes`.
            Extension attributes are named with lower-case letters and digits (at most 64) and are
            strings, numbers, booleans or null.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[IngestResult | Problem]
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
    body: EventInput | CloudEvent,
    content_encoding: IngestEventContentEncoding | Unset = UNSET,
) -> IngestResult | Problem | None:
    """Send one event

     Answered once the event is committed (durable). A Sluice event (`application/json`) or a
    CloudEvents 1.0 event in structured mode (`application/cloudevents+json`); the body may
    be gzip-compressed (`Content-Encoding: gzip`, at most 1 MiB once inflated). An event
    whose `id` the stream already stored within its dedupe window is answered 200 with
    status `duplicate` and stored no second time. Needs `events:write` on the stream.

    Args:
        stream (str):
        content_encoding (IngestEventContentEncoding | Unset):
        body (EventInput): A Sluice event as a producer sends it.
        body (CloudEvent): A CloudEvents 1.0 event in JSON format. `id` becomes the event id (a
            non-UUID id is mapped
            to a stable UUID from `source` and `id`), `source`, `type` and `time` map to the Sluice
            fields, the `partitionkey` extension (or else `subject`) to the key, `data` (or
            `data_base64`) to the payload; every other attribute is kept under `attributes`.
            Extension attributes are named with lower-case letters and digits (at most 64) and are
            strings, numbers, booleans or null.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        IngestResult | Problem
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
    body: EventInput | CloudEvent,
    content_encoding: IngestEventContentEncoding | Unset = UNSET,
) -> Response[IngestResult | Problem]:
    """Send one event

     Answered once the event is committed (durable). A Sluice event (`application/json`) or a
    CloudEvents 1.0 event in structured mode (`application/cloudevents+json`); the body may
    be gzip-compressed (`Content-Encoding: gzip`, at most 1 MiB once inflated). An event
    whose `id` the stream already stored within its dedupe window is answered 200 with
    status `duplicate` and stored no second time. Needs `events:write` on the stream.

    Args:
        stream (str):
        content_encoding (IngestEventContentEncoding | Unset):
        body (EventInput): A Sluice event as a producer sends it.
        body (CloudEvent): A CloudEvents 1.0 event in JSON format. `id` becomes the event id (a
            non-UUID id is mapped
            to a stable UUID from `source` and `id`), `source`, `type` and `time` map to the Sluice
            fields, the `partitionkey` extension (or else `subject`) to the key, `data` (or
            `data_base64`) to the payload; every other attribute is kept under `attributes`.
            Extension attributes are named with lower-case letters and digits (at most 64) and are
            strings, numbers, booleans or null.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[IngestResult | Problem]
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
    body: EventInput | CloudEvent,
    content_encoding: IngestEventContentEncoding | Unset = UNSET,
) -> IngestResult | Problem | None:
    """Send one event

     Answered once the event is committed (durable). A Sluice event (`application/json`) or a
    CloudEvents 1.0 event in structured mode (`application/cloudevents+json`); the body may
    be gzip-compressed (`Content-Encoding: gzip`, at most 1 MiB once inflated). An event
    whose `id` the stream already stored within its dedupe window is answered 200 with
    status `duplicate` and stored no second time. Needs `events:write` on the stream.

    Args:
        stream (str):
        content_encoding (IngestEventContentEncoding | Unset):
        body (EventInput): A Sluice event as a producer sends it.
        body (CloudEvent): A CloudEvents 1.0 event in JSON format. `id` becomes the event id (a
            non-UUID id is mapped
            to a stable UUID from `source` and `id`), `source`, `type` and `time` map to the Sluice
            fields, the `partitionkey` extension (or else `subject`) to the key, `data` (or
            `data_base64`) to the payload; every other attribute is kept under `attributes`.
            Extension attributes are named with lower-case letters and digits (at most 64) and are
            strings, numbers, booleans or null.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        IngestResult | Problem
    """

    return (
        await asyncio_detailed(
            stream=stream,
            client=client,
            body=body,
            content_encoding=content_encoding,
        )
    ).parsed
