from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.schema_version import SchemaVersion
from ...types import UNSET, Response, Unset


def _get_kwargs(
    stream: str,
    event_type: str,
    version: int,
    *,
    include_deleted: bool | Unset = False,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["includeDeleted"] = include_deleted

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/streams/{stream}/schemas/{event_type}/versions/{version}".format(
            stream=quote(str(stream), safe=""),
            event_type=quote(str(event_type), safe=""),
            version=quote(str(version), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | SchemaVersion | None:
    if response.status_code == 200:
        response_200 = SchemaVersion.from_dict(response.json())

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
    version: int,
    *,
    client: AuthenticatedClient | Client,
    include_deleted: bool | Unset = False,
) -> Response[Problem | SchemaVersion]:
    """One schema version

     A soft-deleted version is 404 unless `includeDeleted` is true (then it is answered with `deleted`
    set).

    Args:
        stream (str):
        event_type (str):
        version (int):
        include_deleted (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SchemaVersion]
    """

    kwargs = _get_kwargs(
        stream=stream,
        event_type=event_type,
        version=version,
        include_deleted=include_deleted,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    stream: str,
    event_type: str,
    version: int,
    *,
    client: AuthenticatedClient | Client,
    include_deleted: bool | Unset = False,
) -> Problem | SchemaVersion | None:
    """One schema version

     A soft-deleted version is 404 unless `includeDeleted` is true (then it is answered with `deleted`
    set).

    Args:
        stream (str):
        event_type (str):
        version (int):
        include_deleted (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SchemaVersion
    """

    return sync_detailed(
        stream=stream,
        event_type=event_type,
        version=version,
        client=client,
        include_deleted=include_deleted,
    ).parsed


async def asyncio_detailed(
    stream: str,
    event_type: str,
    version: int,
    *,
    client: AuthenticatedClient | Client,
    include_deleted: bool | Unset = False,
) -> Response[Problem | SchemaVersion]:
    """One schema version

     A soft-deleted version is 404 unless `includeDeleted` is true (then it is answered with `deleted`
    set).

    Args:
        stream (str):
        event_type (str):
        version (int):
        include_deleted (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SchemaVersion]
    """

    kwargs = _get_kwargs(
        stream=stream,
        event_type=event_type,
        version=version,
        include_deleted=include_deleted,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    stream: str,
    event_type: str,
    version: int,
    *,
    client: AuthenticatedClient | Client,
    include_deleted: bool | Unset = False,
) -> Problem | SchemaVersion | None:
    """One schema version

     A soft-deleted version is 404 unless `includeDeleted` is true (then it is answered with `deleted`
    set).

    Args:
        stream (str):
        event_type (str):
        version (int):
        include_deleted (bool | Unset):  Default: False.

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
            version=version,
            client=client,
            include_deleted=include_deleted,
        )
    ).parsed
