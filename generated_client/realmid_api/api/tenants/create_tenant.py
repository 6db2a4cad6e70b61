from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.tenant import Tenant
from ...models.tenant_create import TenantCreate
from ...types import UNSET, Response, Unset


def request_kwargs(
    *,
    body: TenantCreate,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    """The request `sync_detailed` and `asyncio_detailed` send, as keyword arguments.

    `POST /tenants`: Create a tenant.

    `method`, `url` (relative to the client's base URL) and, as the operation has them, `params`,
    `cookies`, `headers` and the body: pass them to `httpx.Client.request` or `.stream` (or to
    `httpx.Request`, with `url` joined onto the base URL) to send this operation's request
    yourself, e.g. from inside an `httpx.Auth` flow.

    Args:
        idempotency_key (str | Unset):
        body (TenantCreate):

    Returns:
        dict[str, Any]
    """

    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/tenants",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | Tenant | None:
    if response.status_code == 201:
        response_201 = Tenant.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        return None
    if response.status_code == 401:
        return None
    if response.status_code == 403:
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
) -> Response[Error | Tenant]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: TenantCreate,
    idempotency_key: str | Unset = UNSET,
) -> Response[Error | Tenant]:
    """Create a tenant.

    Args:
        idempotency_key (str | Unset):
        body (TenantCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Tenant]
    """

    kwargs = request_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: TenantCreate,
    idempotency_key: str | Unset = UNSET,
) -> Error | Tenant | None:
    """Create a tenant.

    Args:
        idempotency_key (str | Unset):
        body (TenantCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Tenant
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: TenantCreate,
    idempotency_key: str | Unset = UNSET,
) -> Response[Error | Tenant]:
    """Create a tenant.

    Args:
        idempotency_key (str | Unset):
        body (TenantCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Tenant]
    """

    kwargs = request_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: TenantCreate,
    idempotency_key: str | Unset = UNSET,
) -> Error | Tenant | None:
    """Create a tenant.

    Args:
        idempotency_key (str | Unset):
        body (TenantCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Tenant
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
