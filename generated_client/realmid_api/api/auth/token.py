from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.mint_result import MintResult
from ...models.token_request import TokenRequest
from ...types import UNSET, Response, Unset


def request_kwargs(
    *,
    body: TokenRequest | Unset = UNSET,
    origin: str | Unset = UNSET,
    x_on_behalf_of_ip: str | Unset = UNSET,
) -> dict[str, Any]:
    """The request `sync_detailed` and `asyncio_detailed` send, as keyword arguments.

    `POST /auth/token`: Refresh a platform token, or rotate a user refresh token.

    `method`, `url` (relative to the client's base URL) and, as the operation has them, `params`,
    `cookies`, `headers` and the body: pass them to `httpx.Client.request` or `.stream` (or to
    `httpx.Request`, with `url` joined onto the base URL) to send this operation's request
    yourself, e.g. from inside an `httpx.Auth` flow.

    Args:
        origin (str | Unset):
        x_on_behalf_of_ip (str | Unset):
        body (TokenRequest | Unset): The body of `POST /auth/token`, for both grants (one schema,
            not a union: the grant is
            told by what is there). With `refresh_token`: a user refresh, optionally switching
            tenant and merging custom claims (SPEC §4.2). Without it (or with no body at all): a
            platform refresh, whose refresh token is the bearer. `grant_type` may be sent and is
            not required.

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
        "url": "/auth/token",
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | MintResult | None:
    if response.status_code == 200:
        response_200 = MintResult.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        return None
    if response.status_code == 401:
        return None
    if response.status_code == 403:
        return None
    if response.status_code == 429:
        return None
    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | MintResult]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: TokenRequest | Unset = UNSET,
    origin: str | Unset = UNSET,
    x_on_behalf_of_ip: str | Unset = UNSET,
) -> Response[Error | MintResult]:
    """Refresh a platform token, or rotate a user refresh token.

     - The platform refresh token as the bearer (the reference names no body: an absent
      or empty body, or `grant_type: platform_refresh`) mints a new platform access
      token. The refresh token rotates only when the realm's `platform_refresh_rotates`
      is on; otherwise the answer may repeat it or leave it out, and the client keeps
      the one it has.
    - A body with a user `refresh_token` (`grant_type: refresh_token` may be sent, and is
      not required) rotates it, optionally switching to `tenant_id` and merging
      `custom_claims` into the new access token (SPEC §4.2). No bearer rides this grant.

    Args:
        origin (str | Unset):
        x_on_behalf_of_ip (str | Unset):
        body (TokenRequest | Unset): The body of `POST /auth/token`, for both grants (one schema,
            not a union: the grant is
            told by what is there). With `refresh_token`: a user refresh, optionally switching
            tenant and merging custom claims (SPEC §4.2). Without it (or with no body at all): a
            platform refresh, whose refresh token is the bearer. `grant_type` may be sent and is
            not required.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | MintResult]
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
    body: TokenRequest | Unset = UNSET,
    origin: str | Unset = UNSET,
    x_on_behalf_of_ip: str | Unset = UNSET,
) -> Error | MintResult | None:
    """Refresh a platform token, or rotate a user refresh token.

     - The platform refresh token as the bearer (the reference names no body: an absent
      or empty body, or `grant_type: platform_refresh`) mints a new platform access
      token. The refresh token rotates only when the realm's `platform_refresh_rotates`
      is on; otherwise the answer may repeat it or leave it out, and the client keeps
      the one it has.
    - A body with a user `refresh_token` (`grant_type: refresh_token` may be sent, and is
      not required) rotates it, optionally switching to `tenant_id` and merging
      `custom_claims` into the new access token (SPEC §4.2). No bearer rides this grant.

    Args:
        origin (str | Unset):
        x_on_behalf_of_ip (str | Unset):
        body (TokenRequest | Unset): The body of `POST /auth/token`, for both grants (one schema,
            not a union: the grant is
            told by what is there). With `refresh_token`: a user refresh, optionally switching
            tenant and merging custom claims (SPEC §4.2). Without it (or with no body at all): a
            platform refresh, whose refresh token is the bearer. `grant_type` may be sent and is
            not required.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | MintResult
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
    body: TokenRequest | Unset = UNSET,
    origin: str | Unset = UNSET,
    x_on_behalf_of_ip: str | Unset = UNSET,
) -> Response[Error | MintResult]:
    """Refresh a platform token, or rotate a user refresh token.

     - The platform refresh token as the bearer (the reference names no body: an absent
      or empty body, or `grant_type: platform_refresh`) mints a new platform access
      token. The refresh token rotates only when the realm's `platform_refresh_rotates`
      is on; otherwise the answer may repeat it or leave it out, and the client keeps
      the one it has.
    - A body with a user `refresh_token` (`grant_type: refresh_token` may be sent, and is
      not required) rotates it, optionally switching to `tenant_id` and merging
      `custom_claims` into the new access token (SPEC §4.2). No bearer rides this grant.

    Args:
        origin (str | Unset):
        x_on_behalf_of_ip (str | Unset):
        body (TokenRequest | Unset): The body of `POST /auth/token`, for both grants (one schema,
            not a union: the grant is
            told by what is there). With `refresh_token`: a user refresh, optionally switching
            tenant and merging custom claims (SPEC §4.2). Without it (or with no body at all): a
            platform refresh, whose refresh token is the bearer. `grant_type` may be sent and is
            not required.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | MintResult]
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
    body: TokenRequest | Unset = UNSET,
    origin: str | Unset = UNSET,
    x_on_behalf_of_ip: str | Unset = UNSET,
) -> Error | MintResult | None:
    """Refresh a platform token, or rotate a user refresh token.

     - The platform refresh token as the bearer (the reference names no body: an absent
      or empty body, or `grant_type: platform_refresh`) mints a new platform access
      token. The refresh token rotates only when the realm's `platform_refresh_rotates`
      is on; otherwise the answer may repeat it or leave it out, and the client keeps
      the one it has.
    - A body with a user `refresh_token` (`grant_type: refresh_token` may be sent, and is
      not required) rotates it, optionally switching to `tenant_id` and merging
      `custom_claims` into the new access token (SPEC §4.2). No bearer rides this grant.

    Args:
        origin (str | Unset):
        x_on_behalf_of_ip (str | Unset):
        body (TokenRequest | Unset): The body of `POST /auth/token`, for both grants (one schema,
            not a union: the grant is
            told by what is there). With `refresh_token`: a user refresh, optionally switching
            tenant and merging custom claims (SPEC §4.2). Without it (or with no body at all): a
            platform refresh, whose refresh token is the bearer. `grant_type` may be sent and is
            not required.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | MintResult
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            origin=origin,
            x_on_behalf_of_ip=x_on_behalf_of_ip,
        )
    ).parsed
