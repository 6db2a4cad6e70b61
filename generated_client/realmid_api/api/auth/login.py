from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.platform_api_key_grant import PlatformApiKeyGrant
from ...models.session import Session
from ...models.user_login_request import UserLoginRequest
from ...types import UNSET, Response, Unset


def request_kwargs(
    *,
    body: PlatformApiKeyGrant | UserLoginRequest,
    origin: str | Unset = UNSET,
    x_on_behalf_of_ip: str | Unset = UNSET,
) -> dict[str, Any]:
    """The request `sync_detailed` and `asyncio_detailed` send, as keyword arguments.

    `POST /auth/login`: Exchange an API key for platform tokens, or a provider token for a user
    session.

    `method`, `url` (relative to the client's base URL) and, as the operation has them, `params`,
    `cookies`, `headers` and the body: pass them to `httpx.Client.request` or `.stream` (or to
    `httpx.Request`, with `url` joined onto the base URL) to send this operation's request
    yourself, e.g. from inside an `httpx.Auth` flow.

    Args:
        origin (str | Unset):
        x_on_behalf_of_ip (str | Unset):
        body (PlatformApiKeyGrant | UserLoginRequest):

    Returns:
        dict[str, Any]
    """

    headers: dict[str, Any] = {}
    if not isinstance(origin, Unset):
        headers["Origin"] = origin

    if not isinstance(x_on_behalf_of_ip, Unset):
        headers["X-On-Behalf-Of-IP"] = x_on_behalf_of_ip

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/auth/login",
    }

    if isinstance(body, PlatformApiKeyGrant):
        _kwargs["json"] = body.to_dict()
    else:
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | Session | None:
    if response.status_code == 200:
        response_200 = Session.from_dict(response.json())

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
    if response.status_code == 412:
        return None
    if response.status_code == 429:
        return None
    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | Session]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: PlatformApiKeyGrant | UserLoginRequest,
    origin: str | Unset = UNSET,
    x_on_behalf_of_ip: str | Unset = UNSET,
) -> Response[Error | Session]:
    """Exchange an API key for platform tokens, or a provider token for a user session.

     Two grants share this endpoint (ADR-051):
    - `grant_type: platform_api_key` with `realm_id` + `api_key` mints a platform access
      token and a platform refresh token (the fields of `PlatformTokenResponse`). This is
      the only request that ever carries the raw API key.
    - a user login with `method` (firebase/google) and `provider_token` mints a user
      session. `grant_type: provider_token` and `realm_id` may be sent and are not
      required (the reference names neither): without `realm_id` the issuer finds the
      realm from the `Origin`. When the user belongs to several tenants and no
      `tenant_id` is given, the answer is a `Session` with the `tenants` and no tokens
      (empty or absent); re-POST with the chosen `tenant_id`.
    When the user must pass a second factor, the answer is 412 `mfa_required` with
    `mfa_challenge_token` and `methods`.

    Args:
        origin (str | Unset):
        x_on_behalf_of_ip (str | Unset):
        body (PlatformApiKeyGrant | UserLoginRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Session]
    """

    kwargs = request_kwargs(
        body=body,
        origin=origin,
        x_on_behalf_of_ip=x_on_behalf_of_ip,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: PlatformApiKeyGrant | UserLoginRequest,
    origin: str | Unset = UNSET,
    x_on_behalf_of_ip: str | Unset = UNSET,
) -> Error | Session | None:
    """Exchange an API key for platform tokens, or a provider token for a user session.

     Two grants share this endpoint (ADR-051):
    - `grant_type: platform_api_key` with `realm_id` + `api_key` mints a platform access
      token and a platform refresh token (the fields of `PlatformTokenResponse`). This is
      the only request that ever carries the raw API key.
    - a user login with `method` (firebase/google) and `provider_token` mints a user
      session. `grant_type: provider_token` and `realm_id` may be sent and are not
      required (the reference names neither): without `realm_id` the issuer finds the
      realm from the `Origin`. When the user belongs to several tenants and no
      `tenant_id` is given, the answer is a `Session` with the `tenants` and no tokens
      (empty or absent); re-POST with the chosen `tenant_id`.
    When the user must pass a second factor, the answer is 412 `mfa_required` with
    `mfa_challenge_token` and `methods`.

    Args:
        origin (str | Unset):
        x_on_behalf_of_ip (str | Unset):
        body (PlatformApiKeyGrant | UserLoginRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Session
    """

    return sync_detailed(
        client=client,
        body=body,
        origin=origin,
        x_on_behalf_of_ip=x_on_behalf_of_ip,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: PlatformApiKeyGrant | UserLoginRequest,
    origin: str | Unset = UNSET,
    x_on_behalf_of_ip: str | Unset = UNSET,
) -> Response[Error | Session]:
    """Exchange an API key for platform tokens, or a provider token for a user session.

     Two grants share this endpoint (ADR-051):
    - `grant_type: platform_api_key` with `realm_id` + `api_key` mints a platform access
      token and a platform refresh token (the fields of `PlatformTokenResponse`). This is
      the only request that ever carries the raw API key.
    - a user login with `method` (firebase/google) and `provider_token` mints a user
      session. `grant_type: provider_token` and `realm_id` may be sent and are not
      required (the reference names neither): without `realm_id` the issuer finds the
      realm from the `Origin`. When the user belongs to several tenants and no
      `tenant_id` is given, the answer is a `Session` with the `tenants` and no tokens
      (empty or absent); re-POST with the chosen `tenant_id`.
    When the user must pass a second factor, the answer is 412 `mfa_required` with
    `mfa_challenge_token` and `methods`.

    Args:
        origin (str | Unset):
        x_on_behalf_of_ip (str | Unset):
        body (PlatformApiKeyGrant | UserLoginRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Session]
    """

    kwargs = request_kwargs(
        body=body,
        origin=origin,
        x_on_behalf_of_ip=x_on_behalf_of_ip,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: PlatformApiKeyGrant | UserLoginRequest,
    origin: str | Unset = UNSET,
    x_on_behalf_of_ip: str | Unset = UNSET,
) -> Error | Session | None:
    """Exchange an API key for platform tokens, or a provider token for a user session.

     Two grants share this endpoint (ADR-051):
    - `grant_type: platform_api_key` with `realm_id` + `api_key` mints a platform access
      token and a platform refresh token (the fields of `PlatformTokenResponse`). This is
      the only request that ever carries the raw API key.
    - a user login with `method` (firebase/google) and `provider_token` mints a user
      session. `grant_type: provider_token` and `realm_id` may be sent and are not
      required (the reference names neither): without `realm_id` the issuer finds the
      realm from the `Origin`. When the user belongs to several tenants and no
      `tenant_id` is given, the answer is a `Session` with the `tenants` and no tokens
      (empty or absent); re-POST with the chosen `tenant_id`.
    When the user must pass a second factor, the answer is 412 `mfa_required` with
    `mfa_challenge_token` and `methods`.

    Args:
        origin (str | Unset):
        x_on_behalf_of_ip (str | Unset):
        body (PlatformApiKeyGrant | UserLoginRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Session
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            origin=origin,
            x_on_behalf_of_ip=x_on_behalf_of_ip,
        )
    ).parsed
