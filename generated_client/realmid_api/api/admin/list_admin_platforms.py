from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.admin_platforms_response import AdminPlatformsResponse
from ...models.error import Error
from ...types import UNSET, Response, Unset


def request_kwargs(
    *,
    q: str | Unset = UNSET,
    status: list[str] | Unset = UNSET,
    signup_mode: list[str] | Unset = UNSET,
    domain: str | Unset = UNSET,
    owner_user_id: str | Unset = UNSET,
    has_custom_domain: bool | Unset = UNSET,
    created_after: int | Unset = UNSET,
    created_before: int | Unset = UNSET,
    last_activity_after: int | Unset = UNSET,
    last_activity_before: int | Unset = UNSET,
    sort: str | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> dict[str, Any]:
    """The request `sync_detailed` and `asyncio_detailed` send, as keyword arguments.

    `GET /admin/platforms`: Platforms (realms) with filters, sorting and cursor paging (SPEC §7.5).

    `method`, `url` (relative to the client's base URL) and, as the operation has them, `params`,
    `cookies`, `headers` and the body: pass them to `httpx.Client.request` or `.stream` (or to
    `httpx.Request`, with `url` joined onto the base URL) to send this operation's request
    yourself, e.g. from inside an `httpx.Auth` flow.

    Args:
        q (str | Unset):
        status (list[str] | Unset):
        signup_mode (list[str] | Unset):
        domain (str | Unset):
        owner_user_id (str | Unset):
        has_custom_domain (bool | Unset):
        created_after (int | Unset):
        created_before (int | Unset):
        last_activity_after (int | Unset):
        last_activity_before (int | Unset):
        sort (str | Unset):
        cursor (str | Unset):
        limit (int | Unset):

    Returns:
        dict[str, Any]
    """

    params: dict[str, Any] = {}

    params["q"] = q

    json_status: list[str] | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status

    params["status"] = json_status

    json_signup_mode: list[str] | Unset = UNSET
    if not isinstance(signup_mode, Unset):
        json_signup_mode = signup_mode

    params["signup_mode"] = json_signup_mode

    params["domain"] = domain

    params["owner_user_id"] = owner_user_id

    params["has_custom_domain"] = has_custom_domain

    params["created_after"] = created_after

    params["created_before"] = created_before

    params["last_activity_after"] = last_activity_after

    params["last_activity_before"] = last_activity_before

    params["sort"] = sort

    params["cursor"] = cursor

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/admin/platforms",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AdminPlatformsResponse | Error | None:
    if response.status_code == 200:
        response_200 = AdminPlatformsResponse.from_dict(response.json())

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
) -> Response[AdminPlatformsResponse | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    q: str | Unset = UNSET,
    status: list[str] | Unset = UNSET,
    signup_mode: list[str] | Unset = UNSET,
    domain: str | Unset = UNSET,
    owner_user_id: str | Unset = UNSET,
    has_custom_domain: bool | Unset = UNSET,
    created_after: int | Unset = UNSET,
    created_before: int | Unset = UNSET,
    last_activity_after: int | Unset = UNSET,
    last_activity_before: int | Unset = UNSET,
    sort: str | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> Response[AdminPlatformsResponse | Error]:
    """Platforms (realms) with filters, sorting and cursor paging (SPEC §7.5).

    Args:
        q (str | Unset):
        status (list[str] | Unset):
        signup_mode (list[str] | Unset):
        domain (str | Unset):
        owner_user_id (str | Unset):
        has_custom_domain (bool | Unset):
        created_after (int | Unset):
        created_before (int | Unset):
        last_activity_after (int | Unset):
        last_activity_before (int | Unset):
        sort (str | Unset):
        cursor (str | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AdminPlatformsResponse | Error]
    """

    kwargs = request_kwargs(
        q=q,
        status=status,
        signup_mode=signup_mode,
        domain=domain,
        owner_user_id=owner_user_id,
        has_custom_domain=has_custom_domain,
        created_after=created_after,
        created_before=created_before,
        last_activity_after=last_activity_after,
        last_activity_before=last_activity_before,
        sort=sort,
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
    q: str | Unset = UNSET,
    status: list[str] | Unset = UNSET,
    signup_mode: list[str] | Unset = UNSET,
    domain: str | Unset = UNSET,
    owner_user_id: str | Unset = UNSET,
    has_custom_domain: bool | Unset = UNSET,
    created_after: int | Unset = UNSET,
    created_before: int | Unset = UNSET,
    last_activity_after: int | Unset = UNSET,
    last_activity_before: int | Unset = UNSET,
    sort: str | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> AdminPlatformsResponse | Error | None:
    """Platforms (realms) with filters, sorting and cursor paging (SPEC §7.5).

    Args:
        q (str | Unset):
        status (list[str] | Unset):
        signup_mode (list[str] | Unset):
        domain (str | Unset):
        owner_user_id (str | Unset):
        has_custom_domain (bool | Unset):
        created_after (int | Unset):
        created_before (int | Unset):
        last_activity_after (int | Unset):
        last_activity_before (int | Unset):
        sort (str | Unset):
        cursor (str | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AdminPlatformsResponse | Error
    """

    return sync_detailed(
        client=client,
        q=q,
        status=status,
        signup_mode=signup_mode,
        domain=domain,
        owner_user_id=owner_user_id,
        has_custom_domain=has_custom_domain,
        created_after=created_after,
        created_before=created_before,
        last_activity_after=last_activity_after,
        last_activity_before=last_activity_before,
        sort=sort,
        cursor=cursor,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    q: str | Unset = UNSET,
    status: list[str] | Unset = UNSET,
    signup_mode: list[str] | Unset = UNSET,
    domain: str | Unset = UNSET,
    owner_user_id: str | Unset = UNSET,
    has_custom_domain: bool | Unset = UNSET,
    created_after: int | Unset = UNSET,
    created_before: int | Unset = UNSET,
    last_activity_after: int | Unset = UNSET,
    last_activity_before: int | Unset = UNSET,
    sort: str | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> Response[AdminPlatformsResponse | Error]:
    """Platforms (realms) with filters, sorting and cursor paging (SPEC §7.5).

    Args:
        q (str | Unset):
        status (list[str] | Unset):
        signup_mode (list[str] | Unset):
        domain (str | Unset):
        owner_user_id (str | Unset):
        has_custom_domain (bool | Unset):
        created_after (int | Unset):
        created_before (int | Unset):
        last_activity_after (int | Unset):
        last_activity_before (int | Unset):
        sort (str | Unset):
        cursor (str | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AdminPlatformsResponse | Error]
    """

    kwargs = request_kwargs(
        q=q,
        status=status,
        signup_mode=signup_mode,
        domain=domain,
        owner_user_id=owner_user_id,
        has_custom_domain=has_custom_domain,
        created_after=created_after,
        created_before=created_before,
        last_activity_after=last_activity_after,
        last_activity_before=last_activity_before,
        sort=sort,
        cursor=cursor,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    q: str | Unset = UNSET,
    status: list[str] | Unset = UNSET,
    signup_mode: list[str] | Unset = UNSET,
    domain: str | Unset = UNSET,
    owner_user_id: str | Unset = UNSET,
    has_custom_domain: bool | Unset = UNSET,
    created_after: int | Unset = UNSET,
    created_before: int | Unset = UNSET,
    last_activity_after: int | Unset = UNSET,
    last_activity_before: int | Unset = UNSET,
    sort: str | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> AdminPlatformsResponse | Error | None:
    """Platforms (realms) with filters, sorting and cursor paging (SPEC §7.5).

    Args:
        q (str | Unset):
        status (list[str] | Unset):
        signup_mode (list[str] | Unset):
        domain (str | Unset):
        owner_user_id (str | Unset):
        has_custom_domain (bool | Unset):
        created_after (int | Unset):
        created_before (int | Unset):
        last_activity_after (int | Unset):
        last_activity_before (int | Unset):
        sort (str | Unset):
        cursor (str | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AdminPlatformsResponse | Error
    """

    return (
        await asyncio_detailed(
            client=client,
            q=q,
            status=status,
            signup_mode=signup_mode,
            domain=domain,
            owner_user_id=owner_user_id,
            has_custom_domain=has_custom_domain,
            created_after=created_after,
            created_before=created_before,
            last_activity_after=last_activity_after,
            last_activity_before=last_activity_before,
            sort=sort,
            cursor=cursor,
            limit=limit,
        )
    ).parsed
