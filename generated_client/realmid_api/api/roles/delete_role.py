from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.role_delete_result import RoleDeleteResult
from ...types import Response


def request_kwargs(
    platform_id: str,
    role_id: str,
) -> dict[str, Any]:
    """The request `sync_detailed` and `asyncio_detailed` send, as keyword arguments.

    `DELETE /platforms/{platform_id}/roles/{role_id}`: Delete a custom role; in use answers 409
    `role_in_use`, system roles 400 `system_role_immutable`.

    `method`, `url` (relative to the client's base URL) and, as the operation has them, `params`,
    `cookies`, `headers` and the body: pass them to `httpx.Client.request` or `.stream` (or to
    `httpx.Request`, with `url` joined onto the base URL) to send this operation's request
    yourself, e.g. from inside an `httpx.Auth` flow.

    Args:
        platform_id (str):
        role_id (str):

    Returns:
        dict[str, Any]
    """

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/platforms/{platform_id}/roles/{role_id}".format(
            platform_id=quote(str(platform_id), safe=""),
            role_id=quote(str(role_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | RoleDeleteResult | None:
    if response.status_code == 200:
        response_200 = RoleDeleteResult.from_dict(response.json())

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
) -> Response[Error | RoleDeleteResult]:
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
) -> Response[Error | RoleDeleteResult]:
    """Delete a custom role; in use answers 409 `role_in_use`, system roles 400 `system_role_immutable`.

    Args:
        platform_id (str):
        role_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | RoleDeleteResult]
    """

    kwargs = request_kwargs(
        platform_id=platform_id,
        role_id=role_id,
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
) -> Error | RoleDeleteResult | None:
    """Delete a custom role; in use answers 409 `role_in_use`, system roles 400 `system_role_immutable`.

    Args:
        platform_id (str):
        role_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | RoleDeleteResult
    """

    return sync_detailed(
        platform_id=platform_id,
        role_id=role_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    platform_id: str,
    role_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Error | RoleDeleteResult]:
    """Delete a custom role; in use answers 409 `role_in_use`, system roles 400 `system_role_immutable`.

    Args:
        platform_id (str):
        role_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | RoleDeleteResult]
    """

    kwargs = request_kwargs(
        platform_id=platform_id,
        role_id=role_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    platform_id: str,
    role_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Error | RoleDeleteResult | None:
    """Delete a custom role; in use answers 409 `role_in_use`, system roles 400 `system_role_immutable`.

    Args:
        platform_id (str):
        role_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | RoleDeleteResult
    """

    return (
        await asyncio_detailed(
            platform_id=platform_id,
            role_id=role_id,
            client=client,
        )
    ).parsed
