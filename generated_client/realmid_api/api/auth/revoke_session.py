from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...types import UNSET, Response, Unset


def request_kwargs(
    session_id: str,
    *,
    x_on_behalf_of_user: str | Unset = UNSET,
    x_on_behalf_of_ip: str | Unset = UNSET,
) -> dict[str, Any]:
    """The request `sync_detailed` and `asyncio_detailed` send, as keyword arguments.

    `DELETE /auth/sessions/{session_id}`: Revoke one of the user's sessions.

    `method`, `url` (relative to the client's base URL) and, as the operation has them, `params`,
    `cookies`, `headers` and the body: pass them to `httpx.Client.request` or `.stream` (or to
    `httpx.Request`, with `url` joined onto the base URL) to send this operation's request
    yourself, e.g. from inside an `httpx.Auth` flow.

    Args:
        session_id (str):
        x_on_behalf_of_user (str | Unset):
        x_on_behalf_of_ip (str | Unset):

    Returns:
        dict[str, Any]
    """

    headers: dict[str, Any] = {}
    if not isinstance(x_on_behalf_of_user, Unset):
        headers["X-On-Behalf-Of-User"] = x_on_behalf_of_user

    if not isinstance(x_on_behalf_of_ip, Unset):
        headers["X-On-Behalf-Of-IP"] = x_on_behalf_of_ip

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/auth/sessions/{session_id}".format(
            session_id=quote(str(session_id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | Error | None:
    if response.status_code == 204:
        response_204 = cast(Any, None)
        return response_204

    if response.status_code == 400:
        return None
    if response.status_code == 401:
        return None
    if response.status_code == 403:
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
) -> Response[Any | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    session_id: str,
    *,
    client: AuthenticatedClient,
    x_on_behalf_of_user: str | Unset = UNSET,
    x_on_behalf_of_ip: str | Unset = UNSET,
) -> Response[Any | Error]:
    """Revoke one of the user's sessions.

    Args:
        session_id (str):
        x_on_behalf_of_user (str | Unset):
        x_on_behalf_of_ip (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error]
    """

    kwargs = request_kwargs(
        session_id=session_id,
        x_on_behalf_of_user=x_on_behalf_of_user,
        x_on_behalf_of_ip=x_on_behalf_of_ip,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    session_id: str,
    *,
    client: AuthenticatedClient,
    x_on_behalf_of_user: str | Unset = UNSET,
    x_on_behalf_of_ip: str | Unset = UNSET,
) -> Any | Error | None:
    """Revoke one of the user's sessions.

    Args:
        session_id (str):
        x_on_behalf_of_user (str | Unset):
        x_on_behalf_of_ip (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error
    """

    return sync_detailed(
        session_id=session_id,
        client=client,
        x_on_behalf_of_user=x_on_behalf_of_user,
        x_on_behalf_of_ip=x_on_behalf_of_ip,
    ).parsed


async def asyncio_detailed(
    session_id: str,
    *,
    client: AuthenticatedClient,
    x_on_behalf_of_user: str | Unset = UNSET,
    x_on_behalf_of_ip: str | Unset = UNSET,
) -> Response[Any | Error]:
    """Revoke one of the user's sessions.

    Args:
        session_id (str):
        x_on_behalf_of_user (str | Unset):
        x_on_behalf_of_ip (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error]
    """

    kwargs = request_kwargs(
        session_id=session_id,
        x_on_behalf_of_user=x_on_behalf_of_user,
        x_on_behalf_of_ip=x_on_behalf_of_ip,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    session_id: str,
    *,
    client: AuthenticatedClient,
    x_on_behalf_of_user: str | Unset = UNSET,
    x_on_behalf_of_ip: str | Unset = UNSET,
) -> Any | Error | None:
    """Revoke one of the user's sessions.

    Args:
        session_id (str):
        x_on_behalf_of_user (str | Unset):
        x_on_behalf_of_ip (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error
    """

    return (
        await asyncio_detailed(
            session_id=session_id,
            client=client,
            x_on_behalf_of_user=x_on_behalf_of_user,
            x_on_behalf_of_ip=x_on_behalf_of_ip,
        )
    ).parsed
