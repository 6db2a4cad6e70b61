from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.mint_result import MintResult
from ...models.platform_refresh_grant import PlatformRefreshGrant
from ...models.platform_token_response import PlatformTokenResponse
from ...models.token_request import TokenRequest
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: PlatformRefreshGrant | TokenRequest,
    origin: str | Unset = UNSET,
    x_on_behalf_of_ip: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(origin, Unset):
        headers["Origin"] = origin

    if not isinstance(x_on_behalf_of_ip, Unset):
        headers["X-On-Behalf-Of-IP"] = x_on_behalf_of_ip

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/auth/token",
    }

    if isinstance(body, PlatformRefreshGrant):
        _kwargs["json"] = body.to_dict()
    else:
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | MintResult | PlatformTokenResponse | None:
    if response.status_code == 200:

        def _parse_response_200(data: object) -> MintResult | PlatformTokenResponse:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_200_type_0 = PlatformTokenResponse.from_dict(data)

                return response_200_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            response_200_type_1 = MintResult.from_dict(data)

            return response_200_type_1

        response_200 = _parse_response_200(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())

        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | MintResult | PlatformTokenResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: PlatformRefreshGrant | TokenRequest,
    origin: str | Unset = UNSET,
    x_on_behalf_of_ip: str | Unset = UNSET,
) -> Response[Error | MintResult | PlatformTokenResponse]:
    """Refresh a platform token, or rotate a user refresh token.

     - `grant_type: platform_refresh` with the platform refresh token as the bearer
      mints a new platform access token. The refresh token rotates only when the
      realm's `platform_refresh_rotates` is on; otherwise the same refresh token is
      returned (`kind: platform_token`).
    - `grant_type: refresh_token` with a user refresh token rotates it, optionally
      switching to `tenant_id` and merging `custom_claims` into the new access token
      (`kind: token`, SPEC §4.2).

    Args:
        origin (str | Unset):
        x_on_behalf_of_ip (str | Unset):
        body (PlatformRefreshGrant | TokenRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | MintResult | PlatformTokenResponse]
    """

    kwargs = _get_kwargs(
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
    body: PlatformRefreshGrant | TokenRequest,
    origin: str | Unset = UNSET,
    x_on_behalf_of_ip: str | Unset = UNSET,
) -> Error | MintResult | PlatformTokenResponse | None:
    """Refresh a platform token, or rotate a user refresh token.

     - `grant_type: platform_refresh` with the platform refresh token as the bearer
      mints a new platform access token. The refresh token rotates only when the
      realm's `platform_refresh_rotates` is on; otherwise the same refresh token is
      returned (`kind: platform_token`).
    - `grant_type: refresh_token` with a user refresh token rotates it, optionally
      switching to `tenant_id` and merging `custom_claims` into the new access token
      (`kind: token`, SPEC §4.2).

    Args:
        origin (str | Unset):
        x_on_behalf_of_ip (str | Unset):
        body (PlatformRefreshGrant | TokenRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | MintResult | PlatformTokenResponse
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
    body: PlatformRefreshGrant | TokenRequest,
    origin: str | Unset = UNSET,
    x_on_behalf_of_ip: str | Unset = UNSET,
) -> Response[Error | MintResult | PlatformTokenResponse]:
    """Refresh a platform token, or rotate a user refresh token.

     - `grant_type: platform_refresh` with the platform refresh token as the bearer
      mints a new platform access token. The refresh token rotates only when the
      realm's `platform_refresh_rotates` is on; otherwise the same refresh token is
      returned (`kind: platform_token`).
    - `grant_type: refresh_token` with a user refresh token rotates it, optionally
      switching to `tenant_id` and merging `custom_claims` into the new access token
      (`kind: token`, SPEC §4.2).

    Args:
        origin (str | Unset):
        x_on_behalf_of_ip (str | Unset):
        body (PlatformRefreshGrant | TokenRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | MintResult | PlatformTokenResponse]
    """

    kwargs = _get_kwargs(
        body=body,
        origin=origin,
        x_on_behalf_of_ip=x_on_behalf_of_ip,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: PlatformRefreshGrant | TokenRequest,
    origin: str | Unset = UNSET,
    x_on_behalf_of_ip: str | Unset = UNSET,
) -> Error | MintResult | PlatformTokenResponse | None:
    """Refresh a platform token, or rotate a user refresh token.

     - `grant_type: platform_refresh` with the platform refresh token as the bearer
      mints a new platform access token. The refresh token rotates only when the
      realm's `platform_refresh_rotates` is on; otherwise the same refresh token is
      returned (`kind: platform_token`).
    - `grant_type: refresh_token` with a user refresh token rotates it, optionally
      switching to `tenant_id` and merging `custom_claims` into the new access token
      (`kind: token`, SPEC §4.2).

    Args:
        origin (str | Unset):
        x_on_behalf_of_ip (str | Unset):
        body (PlatformRefreshGrant | TokenRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | MintResult | PlatformTokenResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            origin=origin,
            x_on_behalf_of_ip=x_on_behalf_of_ip,
        )
    ).parsed
