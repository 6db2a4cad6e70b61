from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.verify_request import VerifyRequest
from ...models.verify_response import VerifyResponse
from ...types import UNSET, Response, Unset


def request_kwargs(
    *,
    body: VerifyRequest,
    x_on_behalf_of_user: str | Unset = UNSET,
    x_on_behalf_of_ip: str | Unset = UNSET,
) -> dict[str, Any]:
    """The request `sync_detailed` and `asyncio_detailed` send, as keyword arguments.

    `POST /otp/verify`: Match a presented value against the subject's active OTPs and consume the
    match atomically.

    `method`, `url` (relative to the client's base URL) and, as the operation has them, `params`,
    `cookies`, `headers` and the body: pass them to `httpx.Client.request` or `.stream` (or to
    `httpx.Request`, with `url` joined onto the base URL) to send this operation's request
    yourself, e.g. from inside an `httpx.Auth` flow.

    Args:
        x_on_behalf_of_user (str | Unset):
        x_on_behalf_of_ip (str | Unset):
        body (VerifyRequest):

    Returns:
        dict[str, Any]
    """

    headers: dict[str, Any] = {}
    if not isinstance(x_on_behalf_of_user, Unset):
        headers["X-On-Behalf-Of-User"] = x_on_behalf_of_user

    if not isinstance(x_on_behalf_of_ip, Unset):
        headers["X-On-Behalf-Of-IP"] = x_on_behalf_of_ip

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/otp/verify",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | VerifyResponse | None:
    if response.status_code == 200:
        response_200 = VerifyResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        return None
    if response.status_code == 401:
        return None
    if response.status_code == 403:
        return None
    if response.status_code == 404:
        return None
    if response.status_code == 410:
        return None
    if response.status_code == 423:
        return None
    if response.status_code == 429:
        return None
    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | VerifyResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: VerifyRequest,
    x_on_behalf_of_user: str | Unset = UNSET,
    x_on_behalf_of_ip: str | Unset = UNSET,
) -> Response[Error | VerifyResponse]:
    """Match a presented value against the subject's active OTPs and consume the match atomically.

    Args:
        x_on_behalf_of_user (str | Unset):
        x_on_behalf_of_ip (str | Unset):
        body (VerifyRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | VerifyResponse]
    """

    kwargs = request_kwargs(
        body=body,
        x_on_behalf_of_user=x_on_behalf_of_user,
        x_on_behalf_of_ip=x_on_behalf_of_ip,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: VerifyRequest,
    x_on_behalf_of_user: str | Unset = UNSET,
    x_on_behalf_of_ip: str | Unset = UNSET,
) -> Error | VerifyResponse | None:
    """Match a presented value against the subject's active OTPs and consume the match atomically.

    Args:
        x_on_behalf_of_user (str | Unset):
        x_on_behalf_of_ip (str | Unset):
        body (VerifyRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | VerifyResponse
    """

    return sync_detailed(
        client=client,
        body=body,
        x_on_behalf_of_user=x_on_behalf_of_user,
        x_on_behalf_of_ip=x_on_behalf_of_ip,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: VerifyRequest,
    x_on_behalf_of_user: str | Unset = UNSET,
    x_on_behalf_of_ip: str | Unset = UNSET,
) -> Response[Error | VerifyResponse]:
    """Match a presented value against the subject's active OTPs and consume the match atomically.

    Args:
        x_on_behalf_of_user (str | Unset):
        x_on_behalf_of_ip (str | Unset):
        body (VerifyRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | VerifyResponse]
    """

    kwargs = request_kwargs(
        body=body,
        x_on_behalf_of_user=x_on_behalf_of_user,
        x_on_behalf_of_ip=x_on_behalf_of_ip,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: VerifyRequest,
    x_on_behalf_of_user: str | Unset = UNSET,
    x_on_behalf_of_ip: str | Unset = UNSET,
) -> Error | VerifyResponse | None:
    """Match a presented value against the subject's active OTPs and consume the match atomically.

    Args:
        x_on_behalf_of_user (str | Unset):
        x_on_behalf_of_ip (str | Unset):
        body (VerifyRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | VerifyResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            x_on_behalf_of_user=x_on_behalf_of_user,
            x_on_behalf_of_ip=x_on_behalf_of_ip,
        )
    ).parsed
