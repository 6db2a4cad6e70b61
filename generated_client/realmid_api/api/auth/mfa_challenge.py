from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.mfa_challenge import MFAChallenge
from ...types import UNSET, Response, Unset


def request_kwargs(
    *,
    x_on_behalf_of_ip: str | Unset = UNSET,
) -> dict[str, Any]:
    """The request `sync_detailed` and `asyncio_detailed` send, as keyword arguments.

    `POST /auth/mfa/challenge`: Mint a step-up MFA challenge for the bearer's session.

    `method`, `url` (relative to the client's base URL) and, as the operation has them, `params`,
    `cookies`, `headers` and the body: pass them to `httpx.Client.request` or `.stream` (or to
    `httpx.Request`, with `url` joined onto the base URL) to send this operation's request
    yourself, e.g. from inside an `httpx.Auth` flow.

    Args:
        x_on_behalf_of_ip (str | Unset):

    Returns:
        dict[str, Any]
    """

    headers: dict[str, Any] = {}
    if not isinstance(x_on_behalf_of_ip, Unset):
        headers["X-On-Behalf-Of-IP"] = x_on_behalf_of_ip

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/auth/mfa/challenge",
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | MFAChallenge | None:
    if response.status_code == 200:
        response_200 = MFAChallenge.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        return None
    if response.status_code == 401:
        return None
    if response.status_code == 404:
        return None
    if response.status_code == 429:
        return None
    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | MFAChallenge]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    x_on_behalf_of_ip: str | Unset = UNSET,
) -> Response[Error | MFAChallenge]:
    """Mint a step-up MFA challenge for the bearer's session.

     The bearer is the user's verified access token. Used by the middleware when an
    MFA-protected route sees a token without fresh MFA proof (SPEC §10.4).

    Args:
        x_on_behalf_of_ip (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | MFAChallenge]
    """

    kwargs = request_kwargs(
        x_on_behalf_of_ip=x_on_behalf_of_ip,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    x_on_behalf_of_ip: str | Unset = UNSET,
) -> Error | MFAChallenge | None:
    """Mint a step-up MFA challenge for the bearer's session.

     The bearer is the user's verified access token. Used by the middleware when an
    MFA-protected route sees a token without fresh MFA proof (SPEC §10.4).

    Args:
        x_on_behalf_of_ip (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | MFAChallenge
    """

    return sync_detailed(
        client=client,
        x_on_behalf_of_ip=x_on_behalf_of_ip,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    x_on_behalf_of_ip: str | Unset = UNSET,
) -> Response[Error | MFAChallenge]:
    """Mint a step-up MFA challenge for the bearer's session.

     The bearer is the user's verified access token. Used by the middleware when an
    MFA-protected route sees a token without fresh MFA proof (SPEC §10.4).

    Args:
        x_on_behalf_of_ip (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | MFAChallenge]
    """

    kwargs = request_kwargs(
        x_on_behalf_of_ip=x_on_behalf_of_ip,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    x_on_behalf_of_ip: str | Unset = UNSET,
) -> Error | MFAChallenge | None:
    """Mint a step-up MFA challenge for the bearer's session.

     The bearer is the user's verified access token. Used by the middleware when an
    MFA-protected route sees a token without fresh MFA proof (SPEC §10.4).

    Args:
        x_on_behalf_of_ip (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | MFAChallenge
    """

    return (
        await asyncio_detailed(
            client=client,
            x_on_behalf_of_ip=x_on_behalf_of_ip,
        )
    ).parsed
