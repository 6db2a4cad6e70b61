from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.admin_events_response import AdminEventsResponse
from ...models.error import Error
from ...types import UNSET, Response, Unset


def request_kwargs(
    *,
    platform_id: str | Unset = UNSET,
    tenant_id: str | Unset = UNSET,
    actor_id: str | Unset = UNSET,
    kind: list[str] | Unset = UNSET,
    since: int | Unset = UNSET,
    until: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> dict[str, Any]:
    """The request `sync_detailed` and `asyncio_detailed` send, as keyword arguments.

    `GET /admin/events`: The audit log, newest first, with filters and cursor paging.

    `method`, `url` (relative to the client's base URL) and, as the operation has them, `params`,
    `cookies`, `headers` and the body: pass them to `httpx.Client.request` or `.stream` (or to
    `httpx.Request`, with `url` joined onto the base URL) to send this operation's request
    yourself, e.g. from inside an `httpx.Auth` flow.

    Args:
        platform_id (str | Unset):
        tenant_id (str | Unset):
        actor_id (str | Unset):
        kind (list[str] | Unset):
        since (int | Unset):
        until (int | Unset):
        cursor (str | Unset):
        limit (int | Unset):

    Returns:
        dict[str, Any]
    """

    params: dict[str, Any] = {}

    params["platform_id"] = platform_id

    params["tenant_id"] = tenant_id

    params["actor_id"] = actor_id

    json_kind: list[str] | Unset = UNSET
    if not isinstance(kind, Unset):
        json_kind = kind

    params["kind"] = json_kind

    params["since"] = since

    params["until"] = until

    params["cursor"] = cursor

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/admin/events",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AdminEventsResponse | Error | None:
    if response.status_code == 200:
        response_200 = AdminEventsResponse.from_dict(response.json())

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
) -> Response[AdminEventsResponse | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    platform_id: str | Unset = UNSET,
    tenant_id: str | Unset = UNSET,
    actor_id: str | Unset = UNSET,
    kind: list[str] | Unset = UNSET,
    since: int | Unset = UNSET,
    until: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> Response[AdminEventsResponse | Error]:
    """The audit log, newest first, with filters and cursor paging.

    Args:
        platform_id (str | Unset):
        tenant_id (str | Unset):
        actor_id (str | Unset):
        kind (list[str] | Unset):
        since (int | Unset):
        until (int | Unset):
        cursor (str | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AdminEventsResponse | Error]
    """

    kwargs = request_kwargs(
        platform_id=platform_id,
        tenant_id=tenant_id,
        actor_id=actor_id,
        kind=kind,
        since=since,
        until=until,
        cursor=cursor,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    platform_id: str | Unset = UNSET,
    tenant_id: str | Unset = UNSET,
    actor_id: str | Unset = UNSET,
    kind: list[str] | Unset = UNSET,
    since: int | Unset = UNSET,
    until: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> AdminEventsResponse | Error | None:
    """The audit log, newest first, with filters and cursor paging.

    Args:
        platform_id (str | Unset):
        tenant_id (str | Unset):
        actor_id (str | Unset):
        kind (list[str] | Unset):
        since (int | Unset):
        until (int | Unset):
        cursor (str | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AdminEventsResponse | Error
    """

    return sync_detailed(
        client=client,
        platform_id=platform_id,
        tenant_id=tenant_id,
        actor_id=actor_id,
        kind=kind,
        since=since,
        until=until,
        cursor=cursor,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    platform_id: str | Unset = UNSET,
    tenant_id: str | Unset = UNSET,
    actor_id: str | Unset = UNSET,
    kind: list[str] | Unset = UNSET,
    since: int | Unset = UNSET,
    until: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> Response[AdminEventsResponse | Error]:
    """The audit log, newest first, with filters and cursor paging.

    Args:
        platform_id (str | Unset):
        tenant_id (str | Unset):
        actor_id (str | Unset):
        kind (list[str] | Unset):
        since (int | Unset):
        until (int | Unset):
        cursor (str | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AdminEventsResponse | Error]
    """

    kwargs = request_kwargs(
        platform_id=platform_id,
        tenant_id=tenant_id,
        actor_id=actor_id,
        kind=kind,
        since=since,
        until=until,
        cursor=cursor,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    platform_id: str | Unset = UNSET,
    tenant_id: str | Unset = UNSET,
    actor_id: str | Unset = UNSET,
    kind: list[str] | Unset = UNSET,
    since: int | Unset = UNSET,
    until: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> AdminEventsResponse | Error | None:
    """The audit log, newest first, with filters and cursor paging.

    Args:
        platform_id (str | Unset):
        tenant_id (str | Unset):
        actor_id (str | Unset):
        kind (list[str] | Unset):
        since (int | Unset):
        until (int | Unset):
        cursor (str | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AdminEventsResponse | Error
    """

    return (
        await asyncio_detailed(
            client=client,
            platform_id=platform_id,
            tenant_id=tenant_id,
            actor_id=actor_id,
            kind=kind,
            since=since,
            until=until,
            cursor=cursor,
            limit=limit,
        )
    ).parsed
