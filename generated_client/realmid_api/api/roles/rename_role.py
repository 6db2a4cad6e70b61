from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.role_object import RoleObject
from ...models.role_rename import RoleRename
from ...types import Response


def request_kwargs(
    platform_id: str,
    role_id: str,
    *,
    body: RoleRename,
) -> dict[str, Any]:
    """The request `sync_detailed` and `asyncio_detailed` send, as keyword arguments.

    `POST /platforms/{platform_id}/roles/{role_id}/rename`: Rename a role; users and invitations
    holding it are rewritten in the same transaction.

    `method`, `url` (relative to the client's base URL) and, as the operation has them, `params`,
    `cookies`, `headers` and the body: pass them to `httpx.Client.request` or `.stream` (or to
    `httpx.Request`, with `url` joined onto the base URL) to send this operation's request
    yourself, e.g. from inside an `httpx.Auth` flow.

    Args:
        platform_id (str):
        role_id (str):
        body (RoleRename):

    Returns:
        dict[str, Any]
    """

    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/platforms/{platform_id}/roles/{role_id}/rename".format(
            platform_id=quote(str(platform_id), safe=""),
            role_id=quote(str(role_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | RoleObject | None:
    if response.status_code == 200:
        response_200 = RoleObject.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        return None
    if response.status_code == 401:
        return None
    if response.status_code == 403:
        return None
    if response.status_code == 404:
        return None
    if response.status_code == 409:
        return None
    if response.status_code == 429:
        return None
    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | RoleObject]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    platform_id: str,
    role_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: RoleRename,
) -> Response[Error | RoleObject]:
    """Rename a role; users and invitations holding it are rewritten in the same transaction.

    Args:
        platform_id (str):
        role_id (str):
        body (RoleRename):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | RoleObject]
    """

    kwargs = request_kwargs(
        platform_id=platform_id,
        role_id=role_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    platform_id: str,
    role_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: RoleRename,
) -> Error | RoleObject | None:
    """Rename a role; users and invitations holding it are rewritten in the same transaction.

    Args:
        platform_id (str):
        role_id (str):
        body (RoleRename):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | RoleObject
    """

    return sync_detailed(
        platform_id=platform_id,
        role_id=role_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    platform_id: str,
    role_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: RoleRename,
) -> Response[Error | RoleObject]:
    """Rename a role; users and invitations holding it are rewritten in the same transaction.

    Args:
        platform_id (str):
        role_id (str):
        body (RoleRename):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | RoleObject]
    """

    kwargs = request_kwargs(
        platform_id=platform_id,
        role_id=role_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    platform_id: str,
    role_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: RoleRename,
) -> Error | RoleObject | None:
    """Rename a role; users and invitations holding it are rewritten in the same transaction.

    Args:
        platform_id (str):
        role_id (str):
        body (RoleRename):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | RoleObject
    """

    return (
        await asyncio_detailed(
            platform_id=platform_id,
            role_id=role_id,
            client=client,
            body=body,
        )
    ).parsed
