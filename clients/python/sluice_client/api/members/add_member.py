from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.add_member_request import AddMemberRequest
from ...models.created_invitation import CreatedInvitation
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    *,
    body: AddMemberRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/members",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CreatedInvitation | Problem | None:
    if response.status_code == 202:
        response_202 = CreatedInvitation.from_dict(response.json())

        return response_202

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

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
) -> Response[CreatedInvitation | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: AddMemberRequest,
) -> Response[CreatedInvitation | Problem]:
    """Add a member by email

     Always an invitation (202), whether or not the email has an account, so that the answer
    reveals nothing about who has one; its token is shown only in this reply. The invitee
    accepts it signed in as that email (after signing up, if they have no account yet).
    Only an owner may invite an owner.

    Args:
        body (AddMemberRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreatedInvitation | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: AddMemberRequest,
) -> CreatedInvitation | Problem | None:
    """Add a member by email

     Always an invitation (202), whether or not the email has an account, so that the answer
    reveals nothing about who has one; its token is shown only in this reply. The invitee
    accepts it signed in as that email (after signing up, if they have no account yet).
    Only an owner may invite an owner.

    Args:
        body (AddMemberRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreatedInvitation | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: AddMemberRequest,
) -> Response[CreatedInvitation | Problem]:
    """Add a member by email

     Always an invitation (202), whether or not the email has an account, so that the answer
    reveals nothing about who has one; its token is shown only in this reply. The invitee
    accepts it signed in as that email (after signing up, if they have no account yet).
    Only an owner may invite an owner.

    Args:
        body (AddMemberRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreatedInvitation | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: AddMemberRequest,
) -> CreatedInvitation | Problem | None:
    """Add a member by email

     Always an invitation (202), whether or not the email has an account, so that the answer
    reveals nothing about who has one; its token is shown only in this reply. The invitee
    accepts it signed in as that email (after signing up, if they have no account yet).
    Only an owner may invite an owner.

    Args:
        body (AddMemberRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreatedInvitation | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
