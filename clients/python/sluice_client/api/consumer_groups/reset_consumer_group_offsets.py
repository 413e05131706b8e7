from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.reset_offsets_request import ResetOffsetsRequest
from ...models.reset_offsets_result import ResetOffsetsResult
from ...types import Response


def _get_kwargs(
    stream: str,
    group: str,
    *,
    body: ResetOffsetsRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/streams/{stream}/consumer-groups/{group}/offsets/reset".format(
            stream=quote(str(stream), safe=""),
            group=quote(str(group), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | ResetOffsetsResult | None:
    if response.status_code == 200:
        response_200 = ResetOffsetsResult.from_dict(response.json())

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
) -> Response[Problem | ResetOffsetsResult]:
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
    body: ResetOffsetsRequest,
) -> Response[Problem | ResetOffsetsResult]:
    """Move a group's committed offsets (as kafka-consumer-groups --reset-offsets), or show the plan

     To the earliest kept event, the end, an offset, shifted by N, the first event at or
    after a time, or back by a duration; on all partitions or the ones named. Each target
    is clamped to what the stream keeps. `dryRun` answers the plan and changes nothing.
    Refused (409 `group-has-members`) while the group has live members, unless `force`.
    Needs `streams:manage`; applying is audited (`consumergroup.offsets.reset`).

    Args:
        stream (str):
        group (str):
        body (ResetOffsetsRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ResetOffsetsResult]
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
    body: ResetOffsetsRequest,
) -> Problem | ResetOffsetsResult | None:
    """Move a group's committed offsets (as kafka-consumer-groups --reset-offsets), or show the plan

     To the earliest kept event, the end, an offset, shifted by N, the first event at or
    after a time, or back by a duration; on all partitions or the ones named. Each target
    is clamped to what the stream keeps. `dryRun` answers the plan and changes nothing.
    Refused (409 `group-has-members`) while the group has live members, unless `force`.
    Needs `streams:manage`; applying is audited (`consumergroup.offsets.reset`).

    Args:
        stream (str):
        group (str):
        body (ResetOffsetsRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ResetOffsetsResult
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
    body: ResetOffsetsRequest,
) -> Response[Problem | ResetOffsetsResult]:
    """Move a group's committed offsets (as kafka-consumer-groups --reset-offsets), or show the plan

     To the earliest kept event, the end, an offset, shifted by N, the first event at or
    after a time, or back by a duration; on all partitions or the ones named. Each target
    is clamped to what the stream keeps. `dryRun` answers the plan and changes nothing.
    Refused (409 `group-has-members`) while the group has live members, unless `force`.
    Needs `streams:manage`; applying is audited (`consumergroup.offsets.reset`).

    Args:
        stream (str):
        group (str):
        body (ResetOffsetsRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ResetOffsetsResult]
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
    body: ResetOffsetsRequest,
) -> Problem | ResetOffsetsResult | None:
    """Move a group's committed offsets (as kafka-consumer-groups --reset-offsets), or show the plan

     To the earliest kept event, the end, an offset, shifted by N, the first event at or
    after a time, or back by a duration; on all partitions or the ones named. Each target
    is clamped to what the stream keeps. `dryRun` answers the plan and changes nothing.
    Refused (409 `group-has-members`) while the group has live members, unless `force`.
    Needs `streams:manage`; applying is audited (`consumergroup.offsets.reset`).

    Args:
        stream (str):
        group (str):
        body (ResetOffsetsRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ResetOffsetsResult
    """

    return (
        await asyncio_detailed(
            stream=stream,
            group=group,
            client=client,
            body=body,
        )
    ).parsed
