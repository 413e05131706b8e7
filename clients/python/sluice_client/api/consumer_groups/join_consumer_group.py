from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.consumer_membership import ConsumerMembership
from ...models.join_consumer_group_request import JoinConsumerGroupRequest
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    stream: str,
    group: str,
    member_id: str,
    *,
    body: JoinConsumerGroupRequest | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/v1/streams/{stream}/consumer-groups/{group}/members/{member_id}".format(
            stream=quote(str(stream), safe=""),
            group=quote(str(group), safe=""),
            member_id=quote(str(member_id), safe=""),
        ),
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ConsumerMembership | Problem | None:
    if response.status_code == 200:
        response_200 = ConsumerMembership.from_dict(response.json())

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
) -> Response[ConsumerMembership | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    stream: str,
    group: str,
    member_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: JoinConsumerGroupRequest | Unset = UNSET,
) -> Response[ConsumerMembership | Problem]:
    """Join the group or heartbeat; answers the member's partitions

     A member is alive for its session timeout after each join, heartbeat, fetch or commit.
    The group's partitions are spread over its live members in join order (partition p to
    member p mod n), so a member that joins, leaves or goes silent moves partitions at once.

    Args:
        stream (str):
        group (str):
        member_id (str): Letters, digits, ".", "_", "-", ":".
        body (JoinConsumerGroupRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ConsumerMembership | Problem]
    """

    kwargs = _get_kwargs(
        stream=stream,
        group=group,
        member_id=member_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    stream: str,
    group: str,
    member_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: JoinConsumerGroupRequest | Unset = UNSET,
) -> ConsumerMembership | Problem | None:
    """Join the group or heartbeat; answers the member's partitions

     A member is alive for its session timeout after each join, heartbeat, fetch or commit.
    The group's partitions are spread over its live members in join order (partition p to
    member p mod n), so a member that joins, leaves or goes silent moves partitions at once.

    Args:
        stream (str):
        group (str):
        member_id (str): Letters, digits, ".", "_", "-", ":".
        body (JoinConsumerGroupRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ConsumerMembership | Problem
    """

    return sync_detailed(
        stream=stream,
        group=group,
        member_id=member_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    stream: str,
    group: str,
    member_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: JoinConsumerGroupRequest | Unset = UNSET,
) -> Response[ConsumerMembership | Problem]:
    """Join the group or heartbeat; answers the member's partitions

     A member is alive for its session timeout after each join, heartbeat, fetch or commit.
    The group's partitions are spread over its live members in join order (partition p to
    member p mod n), so a member that joins, leaves or goes silent moves partitions at once.

    Args:
        stream (str):
        group (str):
        member_id (str): Letters, digits, ".", "_", "-", ":".
        body (JoinConsumerGroupRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ConsumerMembership | Problem]
    """

    kwargs = _get_kwargs(
        stream=stream,
        group=group,
        member_id=member_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    stream: str,
    group: str,
    member_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: JoinConsumerGroupRequest | Unset = UNSET,
) -> ConsumerMembership | Problem | None:
    """Join the group or heartbeat; answers the member's partitions

     A member is alive for its session timeout after each join, heartbeat, fetch or commit.
    The group's partitions are spread over its live members in join order (partition p to
    member p mod n), so a member that joins, leaves or goes silent moves partitions at once.

    Args:
        stream (str):
        group (str):
        member_id (str): Letters, digits, ".", "_", "-", ":".
        body (JoinConsumerGroupRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ConsumerMembership | Problem
    """

    return (
        await asyncio_detailed(
            stream=stream,
            group=group,
            member_id=member_id,
            client=client,
            body=body,
        )
    ).parsed
