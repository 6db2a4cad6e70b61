from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.otp_login_request import OtpLoginRequest
from ...models.session import Session
from ...types import UNSET, Response, Unset


def request_kwargs(
    *,
    body: OtpLoginRequest,
    origin: str | Unset = UNSET,
    x_on_behalf_of_ip: str | Unset = UNSET,
) -> dict[str, Any]:
    """The request `sync_detailed` and `asyncio_detailed` send, as keyword arguments.

    `POST /auth/otp/login`: Log in with an identifier and a manager-issued OTP.

    `method`, `url` (relative to the client's base URL) and, as the operation has them, `params`,
    `cookies`, `headers` and the body: pass them to `httpx.Client.request` or `.stream` (or to
    `httpx.Request`, with `url` joined onto the base URL) to send this operation's request
    yourself, e.g. from inside an `httpx.Auth` flow.

    Args:
        origin (str | Unset):
        x_on_behalf_of_ip (str | Unset):
        body (OtpLoginRequest):

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
        "url": "/auth/otp/login",
    }

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
    body: OtpLoginRequest,
    origin: str | Unset = UNSET,
    x_on_behalf_of_ip: str | Unset = UNSET,
) -> Response[Error | Session]:
    """Log in with an identifier and a manager-issued OTP.

     Single-factor variant of the partner OTP primitive, gated by the realm's
    `otp_login_enabled`. A miss answers the enumeration-safe 401 `invalid_credentials`.

    Args:
        origin (str | Unset):
        x_on_behalf_of_ip (str | Unset):
        body (OtpLoginRequest):

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
    body: OtpLoginRequest,
    origin: str | Unset = UNSET,
    x_on_behalf_of_ip: str | Unset = UNSET,
) -> Error | Session | None:
    """Log in with an identifier and a manager-issued OTP.

     Single-factor variant of the partner OTP primitive, gated by the realm's
    `otp_login_enabled`. A miss answers the enumeration-safe 401 `invalid_credentials`.

    Args:
        origin (str | Unset):
        x_on_behalf_of_ip (str | Unset):
        body (OtpLoginRequest):

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
    body: OtpLoginRequest,
    origin: str | Unset = UNSET,
    x_on_behalf_of_ip: str | Unset = UNSET,
) -> Response[Error | Session]:
    """Log in with an identifier and a manager-issued OTP.

     Single-factor variant of the partner OTP primitive, gated by the realm's
    `otp_login_enabled`. A miss answers the enumeration-safe 401 `invalid_credentials`.

    Args:
        origin (str | Unset):
        x_on_behalf_of_ip (str | Unset):
        body (OtpLoginRequest):

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
    body: OtpLoginRequest,
    origin: str | Unset = UNSET,
    x_on_behalf_of_ip: str | Unset = UNSET,
) -> Error | Session | None:
    """Log in with an identifier and a manager-issued OTP.

     Single-factor variant of the partner OTP primitive, gated by the realm's
    `otp_login_enabled`. A miss answers the enumeration-safe 401 `invalid_credentials`.

    Args:
        origin (str | Unset):
        x_on_behalf_of_ip (str | Unset):
        body (OtpLoginRequest):

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
