from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.schema_input import SchemaInput
from ...models.schema_version import SchemaVersion
from ...types import Response


def _get_kwargs(
    stream: str,
    event_type: str,
    *,
    body: SchemaInput,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/streams/{stream}/schemas/{event_type}/versions".format(
            stream=quote(str(stream), safe=""),
            event_type=quote(str(event_type), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | SchemaVersion | None:
    if response.status_code == 200:
        response_200 = SchemaVersion.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = SchemaVersion.from_dict(response.json())

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
) -> Response[Problem | SchemaVersion]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    stream: str,
    event_type: str,
    *,
    client: AuthenticatedClient | Client,
    body: SchemaInput,
) -> Response[Problem | SchemaVersion]:
    """Register a new version of an event type's schema

     The schema (JSON Schema draft 2020-12, local references only) must pass the stream's
    compatibility mode against the earlier live versions, else 409 with one error per
    broken rule, each naming the property (a JSON pointer into the schema) and the rule.
    A schema identical to the latest version is not registered again: 200 with that version.

    Args:
        stream (str):
        event_type (str):
        body (SchemaInput):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SchemaVersion]
    """

    kwargs = _get_kwargs(
        stream=stream,
        event_type=event_type,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    stream: str,
    event_type: str,
    *,
    client: AuthenticatedClient | Client,
    body: SchemaInput,
) -> Problem | SchemaVersion | None:
    """Register a new version of an event type's schema

     The schema (JSON Schema draft 2020-12, local references only) must pass the stream's
    compatibility mode against the earlier live versions, else 409 with one error per
    broken rule, each naming the property (a JSON pointer into the schema) and the rule.
    A schema identical to the latest version is not registered again: 200 with that version.

    Args:
        stream (str):
        event_type (str):
        body (SchemaInput):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SchemaVersion
    """

    return sync_detailed(
        stream=stream,
        event_type=event_type,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    stream: str,
    event_type: str,
    *,
    client: AuthenticatedClient | Client,
    body: SchemaInput,
) -> Response[Problem | SchemaVersion]:
    """Register a new version of an event type's schema

     The schema (JSON Schema draft 2020-12, local references only) must pass the stream's
    compatibility mode against the earlier live versions, else 409 with one error per
    broken rule, each naming the property (a JSON pointer into the schema) and the rule.
    A schema identical to the latest version is not registered again: 200 with that version.

    Args:
        stream (str):
        event_type (str):
        body (SchemaInput):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SchemaVersion]
    """

    kwargs = _get_kwargs(
        stream=stream,
        event_type=event_type,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    stream: str,
    event_type: str,
    *,
    client: AuthenticatedClient | Client,
    body: SchemaInput,
) -> Problem | SchemaVersion | None:
    """Register a new version of an event type's schema

     The schema (JSON Schema draft 2020-12, local references only) must pass the stream's
    compatibility mode against the earlier live versions, else 409 with one error per
    broken rule, each naming the property (a JSON pointer into the schema) and the rule.
    A schema identical to the latest version is not registered again: 200 with that version.

    Args:
        stream (str):
        event_type (str):
        body (SchemaInput):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SchemaVersion
    """

    return (
        await asyncio_detailed(
            stream=stream,
            event_type=event_type,
            client=client,
            body=body,
        )
    ).parsed
