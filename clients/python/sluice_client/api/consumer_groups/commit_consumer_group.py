from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.commit_request import CommitRequest
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    stream: str,
    group: str,
    *,
    body: CommitRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/streams/{stream}/consumer-groups/{group}/commit".format(
            stream=quote(str(stream), safe=""),
            group=quote(str(group), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | Problem | None:
    if response.status_code == 204:
        response_204 = cast(Any, None)
        return response_204

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Any | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    stream: str,
    group: str,
    *,
    client: AuthenticatedClient | Client,
    body: CommitRequest,
) -> Response[Any | Problem]:
    """Commit the next offsets to read, forward only, on the member's partitions

     All or nothing: 409 `member-unknown` if the member is not alive (join again),
    `partition-not-held` for a partition the member does not hold, `commit-behind` for an
    offset below the committed one; 400 past the partition's end.

    Args:
        stream (str):
        group (str):
        body (CommitRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
    """

    kwargs = _get_kwargs(
        stream=stream,
        group=group,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    stream: str,
    group: str,
    *,
    client: AuthenticatedClient | Client,
    body: CommitRequest,
) -> Any | Problem | None:
    """Commit the next offsets to read, forward only, on the member's partitions

     All or nothing: 409 `member-unknown` if the member is not alive (join again),
    `partition-not-held` for a partition the member does not hold, `commit-behind` for an
    offset below the committed one; 400 past the partition's end.

    Args:
        stream (str):
        group (str):
        body (CommitRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
    """

    return sync_detailed(
        stream=stream,
        group=group,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    stream: str,
    group: str,
    *,
    client: AuthenticatedClient | Client,
    body: CommitRequest,
) -> Response[Any | Problem]:
    """Commit the next offsets to read, forward only, on the member's partitions

     All or nothing: 409 `member-unknown` if the member is not alive (join again),
    `partition-not-held` for a partition the member does not hold, `commit-behind` for an
    offset below the committed one; 400 past the partition's end.

    Args:
        stream (str):
        group (str):
        body (CommitRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
    """

    kwargs = _get_kwargs(
        stream=stream,
        group=group,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    stream: str,
    group: str,
    *,
    client: AuthenticatedClient | Client,
    body: CommitRequest,
) -> Any | Problem | None:
    """Commit the next offsets to read, forward only, on the member's partitions

     All or nothing: 409 `member-unknown` if the member is not alive (join again),
    `partition-not-held` for a partition the member does not hold, `commit-behind` for an
    offset below the committed one; 400 past the partition's end.

    Args:
        stream (str):
        group (str):
        body (CommitRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
    """

    return (
        await asyncio_detailed(
            stream=stream,
            group=group,
            client=client,
            body=body,
        )
    ).parsed
