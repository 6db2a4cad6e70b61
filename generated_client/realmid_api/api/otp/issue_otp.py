from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.issue_request import IssueRequest
from ...models.issue_response import IssueResponse
from ...types import UNSET, Response, Unset


def request_kwargs(
    *,
    body: IssueRequest,
    x_on_behalf_of_user: str | Unset = UNSET,
    x_on_behalf_of_ip: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    """The request `sync_detailed` and `asyncio_detailed` send, as keyword arguments.

    `POST /otp`: Mint an OTP bound to a subject and purpose; the plaintext value is returned once.

    `method`, `url` (relative to the client's base URL) and, as the operation has them, `params`,
    `cookies`, `headers` and the body: pass them to `httpx.Client.request` or `.stream` (or to
    `httpx.Request`, with `url` joined onto the base URL) to send this operation's request
    yourself, e.g. from inside an `httpx.Auth` flow.

    Args:
        x_on_behalf_of_user (str | Unset):
        x_on_behalf_of_ip (str | Unset):
        idempotency_key (str | Unset):
        body (IssueRequest):

    Returns:
        dict[str, Any]
    """

    headers: dict[str, Any] = {}
    if not isinstance(x_on_behalf_of_user, Unset):
        headers["X-On-Behalf-Of-User"] = x_on_behalf_of_user

    if not isinstance(x_on_behalf_of_ip, Unset):
        headers["X-On-Behalf-Of-IP"] = x_on_behalf_of_ip

    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/otp",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | IssueResponse | None:
    if response.status_code == 201:
        response_201 = IssueResponse.from_dict(response.json())

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
) -> Response[Error | IssueResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: IssueRequest,
    x_on_behalf_of_user: str | Unset = UNSET,
    x_on_behalf_of_ip: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[Error | IssueResponse]:
    """Mint an OTP bound to a subject and purpose; the plaintext value is returned once.

     The caller is a tenant-scoped user: a user bearer, or the platform bearer with
    `X-On-Behalf-Of-User`. Purpose matches `^[a-z][a-z0-9_]{0,63}$`.

    Args:
        x_on_behalf_of_user (str | Unset):
        x_on_behalf_of_ip (str | Unset):
        idempotency_key (str | Unset):
        body (IssueRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | IssueResponse]
    """

    kwargs = request_kwargs(
        body=body,
        x_on_behalf_of_user=x_on_behalf_of_user,
        x_on_behalf_of_ip=x_on_behalf_of_ip,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: IssueRequest,
    x_on_behalf_of_user: str | Unset = UNSET,
    x_on_behalf_of_ip: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Error | IssueResponse | None:
    """Mint an OTP bound to a subject and purpose; the plaintext value is returned once.

     The caller is a tenant-scoped user: a user bearer, or the platform bearer with
    `X-On-Behalf-Of-User`. Purpose matches `^[a-z][a-z0-9_]{0,63}$`.

    Args:
        x_on_behalf_of_user (str | Unset):
        x_on_behalf_of_ip (str | Unset):
        idempotency_key (str | Unset):
        body (IssueRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | IssueResponse
    """

    return sync_detailed(
        client=client,
        body=body,
        x_on_behalf_of_user=x_on_behalf_of_user,
        x_on_behalf_of_ip=x_on_behalf_of_ip,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: IssueRequest,
    x_on_behalf_of_user: str | Unset = UNSET,
    x_on_behalf_of_ip: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[Error | IssueResponse]:
    """Mint an OTP bound to a subject and purpose; the plaintext value is returned once.

     The caller is a tenant-scoped user: a user bearer, or the platform bearer with
    `X-On-Behalf-Of-User`. Purpose matches `^[a-z][a-z0-9_]{0,63}$`.

    Args:
        x_on_behalf_of_user (str | Unset):
        x_on_behalf_of_ip (str | Unset):
        idempotency_key (str | Unset):
        body (IssueRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | IssueResponse]
    """

    kwargs = request_kwargs(
        body=body,
        x_on_behalf_of_user=x_on_behalf_of_user,
        x_on_behalf_of_ip=x_on_behalf_of_ip,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: IssueRequest,
    x_on_behalf_of_user: str | Unset = UNSET,
    x_on_behalf_of_ip: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Error | IssueResponse | None:
    """Mint an OTP bound to a subject and purpose; the plaintext value is returned once.

     The caller is a tenant-scoped user: a user bearer, or the platform bearer with
    `X-On-Behalf-Of-User`. Purpose matches `^[a-z][a-z0-9_]{0,63}$`.

    Args:
        x_on_behalf_of_user (str | Unset):
        x_on_behalf_of_ip (str | Unset):
        idempotency_key (str | Unset):
        body (IssueRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | IssueResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            x_on_behalf_of_user=x_on_behalf_of_user,
            x_on_behalf_of_ip=x_on_behalf_of_ip,
            idempotency_key=idempotency_key,
        )
    ).parsed
