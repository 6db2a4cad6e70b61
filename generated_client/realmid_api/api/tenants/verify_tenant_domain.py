from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.domain_verify_result import DomainVerifyResult
from ...models.error import Error
from ...types import Response


def request_kwargs(
    platform_id: str,
    tenant_id: str,
    domain: str,
) -> dict[str, Any]:
    """The request `sync_detailed` and `asyncio_detailed` send, as keyword arguments.

    `POST /platforms/{platform_id}/tenants/{tenant_id}/domains/{domain}/verify`: Check the published
    proof and, on success, bind the domain to the tenant.

    `method`, `url` (relative to the client's base URL) and, as the operation has them, `params`,
    `cookies`, `headers` and the body: pass them to `httpx.Client.request` or `.stream` (or to
    `httpx.Request`, with `url` joined onto the base URL) to send this operation's request
    yourself, e.g. from inside an `httpx.Auth` flow.

    Args:
        platform_id (str):
        tenant_id (str):
        domain (str):

    Returns:
        dict[str, Any]
    """

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/platforms/{platform_id}/tenants/{tenant_id}/domains/{domain}/verify".format(
            platform_id=quote(str(platform_id), safe=""),
            tenant_id=quote(str(tenant_id), safe=""),
            domain=quote(str(domain), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DomainVerifyResult | Error | None:
    if response.status_code == 200:
        response_200 = DomainVerifyResult.from_dict(response.json())

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
) -> Response[DomainVerifyResult | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    platform_id: str,
    tenant_id: str,
    domain: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[DomainVerifyResult | Error]:
    """Check the published proof and, on success, bind the domain to the tenant.

    Args:
        platform_id (str):
        tenant_id (str):
        domain (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DomainVerifyResult | Error]
    """

    kwargs = request_kwargs(
        platform_id=platform_id,
        tenant_id=tenant_id,
        domain=domain,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    platform_id: str,
    tenant_id: str,
    domain: str,
    *,
    client: AuthenticatedClient | Client,
) -> DomainVerifyResult | Error | None:
    """Check the published proof and, on success, bind the domain to the tenant.

    Args:
        platform_id (str):
        tenant_id (str):
        domain (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DomainVerifyResult | Error
    """

    return sync_detailed(
        platform_id=platform_id,
        tenant_id=tenant_id,
        domain=domain,
        client=client,
    ).parsed


async def asyncio_detailed(
    platform_id: str,
    tenant_id: str,
    domain: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[DomainVerifyResult | Error]:
    """Check the published proof and, on success, bind the domain to the tenant.

    Args:
        platform_id (str):
        tenant_id (str):
        domain (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DomainVerifyResult | Error]
    """

    kwargs = request_kwargs(
        platform_id=platform_id,
        tenant_id=tenant_id,
        domain=domain,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    platform_id: str,
    tenant_id: str,
    domain: str,
    *,
    client: AuthenticatedClient | Client,
) -> DomainVerifyResult | Error | None:
    """Check the published proof and, on success, bind the domain to the tenant.

    Args:
        platform_id (str):
        tenant_id (str):
        domain (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DomainVerifyResult | Error
    """

    return (
        await asyncio_detailed(
            platform_id=platform_id,
            tenant_id=tenant_id,
            domain=domain,
            client=client,
        )
    ).parsed
