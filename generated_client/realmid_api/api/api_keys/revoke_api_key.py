from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.api_key import APIKey
from ...models.error import Error
from ...types import Response


def request_kwargs(
    platform_id: str,
    key_id: str,
) -> dict[str, Any]:
    """The request `sync_detailed` and `asyncio_detailed` send, as keyword arguments.

    `DELETE /platforms/{platform_id}/api-keys/{key_id}`: Revoke an API key; platform tokens minted
    with it stop refreshing.

    `method`, `url` (relative to the client's base URL) and, as the operation has them, `params`,
    `cookies`, `headers` and the body: pass them to `httpx.Client.request` or `.stream` (or to
    `httpx.Request`, with `url` joined onto the base URL) to send this operation's request
    yourself, e.g. from inside an `httpx.Auth` flow.

    Args:
        platform_id (str):
        key_id (str):

    Returns:
        dict[str, Any]
    """

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/platforms/{platform_id}/api-keys/{key_id}".format(
            platform_id=quote(str(platform_id), safe=""),
            key_id=quote(str(key_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> APIKey | Error | None:
    if response.status_code == 200:
        response_200 = APIKey.from_dict(response.json())

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
) -> Response[APIKey | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    platform_id: str,
    key_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[APIKey | Error]:
    """Revoke an API key; platform tokens minted with it stop refreshing.

    Args:
        platform_id (str):
        key_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[APIKey | Error]
    """

    kwargs = request_kwargs(
        platform_id=platform_id,
        key_id=key_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    platform_id: str,
    key_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> APIKey | Error | None:
    """Revoke an API key; platform tokens minted with it stop refreshing.

    Args:
        platform_id (str):
        key_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        APIKey | Error
    """

    return sync_detailed(
        platform_id=platform_id,
        key_id=key_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    platform_id: str,
    key_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[APIKey | Error]:
    """Revoke an API key; platform tokens minted with it stop refreshing.

    Args:
        platform_id (str):
        key_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[APIKey | Error]
    """

    kwargs = request_kwargs(
        platform_id=platform_id,
        key_id=key_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    platform_id: str,
    key_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> APIKey | Error | None:
    """Revoke an API key; platform tokens minted with it stop refreshing.

    Args:
        platform_id (str):
        key_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        APIKey | Error
    """

    return (
        await asyncio_detailed(
            platform_id=platform_id,
            key_id=key_id,
            client=client,
        )
    ).parsed
