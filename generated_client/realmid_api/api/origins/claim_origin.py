from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.origin_claim import OriginClaim
from ...models.origin_hostname_request import OriginHostnameRequest
from ...types import Response


def request_kwargs(
    platform_id: str,
    *,
    body: OriginHostnameRequest,
) -> dict[str, Any]:
    """The request `sync_detailed` and `asyncio_detailed` send, as keyword arguments.

    `POST /platforms/{platform_id}/origins/claim`: Begin (or repeat, idempotently) a realm-owned
    origin claim; DNS TXT only.

    `method`, `url` (relative to the client's base URL) and, as the operation has them, `params`,
    `cookies`, `headers` and the body: pass them to `httpx.Client.request` or `.stream` (or to
    `httpx.Request`, with `url` joined onto the base URL) to send this operation's request
    yourself, e.g. from inside an `httpx.Auth` flow.

    Args:
        platform_id (str):
        body (OriginHostnameRequest):

    Returns:
        dict[str, Any]
    """

    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/platforms/{platform_id}/origins/claim".format(
            platform_id=quote(str(platform_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | OriginClaim | None:
    if response.status_code == 200:
        response_200 = OriginClaim.from_dict(response.json())

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
) -> Response[Error | OriginClaim]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    platform_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: OriginHostnameRequest,
) -> Response[Error | OriginClaim]:
    """Begin (or repeat, idempotently) a realm-owned origin claim; DNS TXT only.

    Args:
        platform_id (str):
        body (OriginHostnameRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | OriginClaim]
    """

    kwargs = request_kwargs(
        platform_id=platform_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    platform_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: OriginHostnameRequest,
) -> Error | OriginClaim | None:
    """Begin (or repeat, idempotently) a realm-owned origin claim; DNS TXT only.

    Args:
        platform_id (str):
        body (OriginHostnameRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | OriginClaim
    """

    return sync_detailed(
        platform_id=platform_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    platform_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: OriginHostnameRequest,
) -> Response[Error | OriginClaim]:
    """Begin (or repeat, idempotently) a realm-owned origin claim; DNS TXT only.

    Args:
        platform_id (str):
        body (OriginHostnameRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | OriginClaim]
    """

    kwargs = request_kwargs(
        platform_id=platform_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    platform_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: OriginHostnameRequest,
) -> Error | OriginClaim | None:
    """Begin (or repeat, idempotently) a realm-owned origin claim; DNS TXT only.

    Args:
        platform_id (str):
        body (OriginHostnameRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | OriginClaim
    """

    return (
        await asyncio_detailed(
            platform_id=platform_id,
            client=client,
            body=body,
        )
    ).parsed
