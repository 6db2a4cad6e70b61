from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.origin import Origin
from ...models.origin_bind_request import OriginBindRequest
from ...types import UNSET, Response, Unset


def request_kwargs(
    platform_id: str,
    *,
    body: OriginBindRequest,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    """The request `sync_detailed` and `asyncio_detailed` send, as keyword arguments.

    `POST /platforms/{platform_id}/origins`: Bind a verified hostname (or a subdomain of a verified
    apex) into the allowlist.

    `method`, `url` (relative to the client's base URL) and, as the operation has them, `params`,
    `cookies`, `headers` and the body: pass them to `httpx.Client.request` or `.stream` (or to
    `httpx.Request`, with `url` joined onto the base URL) to send this operation's request
    yourself, e.g. from inside an `httpx.Auth` flow.

    Args:
        platform_id (str):
        idempotency_key (str | Unset):
        body (OriginBindRequest):

    Returns:
        dict[str, Any]
    """

    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/platforms/{platform_id}/origins".format(
            platform_id=quote(str(platform_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | Origin | None:
    if response.status_code == 201:
        response_201 = Origin.from_dict(response.json())

        return response_201

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
) -> Response[Error | Origin]:
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
    body: OriginBindRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[Error | Origin]:
    """Bind a verified hostname (or a subdomain of a verified apex) into the allowlist.

    Args:
        platform_id (str):
        idempotency_key (str | Unset):
        body (OriginBindRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Origin]
    """

    kwargs = request_kwargs(
        platform_id=platform_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    platform_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: OriginBindRequest,
    idempotency_key: str | Unset = UNSET,
) -> Error | Origin | None:
    """Bind a verified hostname (or a subdomain of a verified apex) into the allowlist.

    Args:
        platform_id (str):
        idempotency_key (str | Unset):
        body (OriginBindRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Origin
    """

    return sync_detailed(
        platform_id=platform_id,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    platform_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: OriginBindRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[Error | Origin]:
    """Bind a verified hostname (or a subdomain of a verified apex) into the allowlist.

    Args:
        platform_id (str):
        idempotency_key (str | Unset):
        body (OriginBindRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Origin]
    """

    kwargs = request_kwargs(
        platform_id=platform_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    platform_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: OriginBindRequest,
    idempotency_key: str | Unset = UNSET,
) -> Error | Origin | None:
    """Bind a verified hostname (or a subdomain of a verified apex) into the allowlist.

    Args:
        platform_id (str):
        idempotency_key (str | Unset):
        body (OriginBindRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Origin
    """

    return (
        await asyncio_detailed(
            platform_id=platform_id,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
