"""Platform-defined custom roles (``realm.roles``, ADR-040)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from realmid_api.api.roles import create_role, delete_role, list_roles, rename_role, update_role
from realmid_api.models import RoleCreate, RolePatch, RoleRename
from realmid_api.types import UNSET

from realmid import _inputs, _telemetry
from realmid._async.pagination import page_limit
from realmid._http import new_idempotency_key
from realmid.errors import BadRequestError
from realmid.models import RoleDeleteResult, RoleListPage, RoleObject

if TYPE_CHECKING:
    from realmid._async.realm import AsyncRealm


@_telemetry.traced("roles")
class AsyncRoles:
    """The realm's role catalog. ``owner`` and ``member`` are system roles; every other name
    is the partner's own (``^[a-z][a-z0-9_]{0,63}$``).

    Failures are typed: :class:`~realmid.RoleNotFoundError`,
    :class:`~realmid.RoleExistsError`, :class:`~realmid.RoleInUseError`,
    :class:`~realmid.SystemRoleImmutableError` (all RealmError subclasses, so
    ``is_code(err, "role_in_use")`` works too).
    """

    def __init__(self, realm: AsyncRealm) -> None:
        self._realm = realm

    async def create(
        self,
        name: str,
        *,
        display_name: str | None = None,
        permissions: Sequence[str] | None = None,
    ) -> RoleObject:
        """Create a custom role.

        A taken name raises :class:`~realmid.RoleExistsError`::

            role = realm.roles.create("dispatch", permissions=["orders:read"])
        """
        body = RoleCreate(
            name=_inputs.non_empty("name", name),
            display_name=display_name,
            permissions=None if permissions is None else [*permissions],
        )
        return await self._realm._call(
            create_role.asyncio_detailed,
            RoleObject,
            platform_id=self._realm.realm_id,
            body=body,
            idempotency_key=new_idempotency_key(),
        )

    async def list(self, *, cursor: str | None = None, limit: int | None = None) -> RoleListPage:
        """One page of the catalog as the raw envelope (``items``, ``next_cursor``, ``total``),
        so a paging UI can drive the cursor itself, as the reference's ``List`` does::

            page = realm.roles.list(limit=20)
            more = realm.roles.list(cursor=page.next_cursor) if page.next_cursor else None

        A ``limit`` that is not a positive integer is a :class:`~realmid.BadRequestError`,
        raised before any request.
        """
        limit = page_limit(limit)
        return await self._realm._call(
            list_roles.asyncio_detailed,
            RoleListPage,
            platform_id=self._realm.realm_id,
            cursor=cursor,
            limit=limit,
        )

    async def update(
        self,
        role_id: str,
        *,
        display_name: str | None = None,
        permissions: Sequence[str] | None = None,
    ) -> RoleObject:
        """Patch a custom role's display name and/or permissions (None leaves one alone).

        ``role_id`` is the role's id or name. ``owner``/``member`` raise
        :class:`~realmid.SystemRoleImmutableError`. A patch with nothing in it is a
        :class:`~realmid.BadRequestError` before any request.
        """
        if display_name is None and permissions is None:
            raise BadRequestError("nothing to update: pass display_name= and/or permissions=")
        body = RolePatch(
            display_name=UNSET if display_name is None else display_name,
            permissions=UNSET if permissions is None else [*permissions],
        )
        return await self._realm._call(
            update_role.asyncio_detailed,
            RoleObject,
            platform_id=self._realm.realm_id,
            role_id=_inputs.path_id("role_id", role_id),
            body=body,
        )

    async def rename(self, role_id: str, to: str) -> RoleObject:
        """Rename a role; users and invitations holding it follow in the same transaction.

        A taken name raises :class:`~realmid.RoleExistsError`.
        """
        return await self._realm._call(
            rename_role.asyncio_detailed,
            RoleObject,
            platform_id=self._realm.realm_id,
            role_id=_inputs.path_id("role_id", role_id),
            body=RoleRename(to=_inputs.non_empty("to", to)),
        )

    async def delete(self, role_id: str) -> RoleDeleteResult:
        """Delete a custom role nobody holds.

        Still held by users or invitations: :class:`~realmid.RoleInUseError`; a system
        role: :class:`~realmid.SystemRoleImmutableError`; unknown:
        :class:`~realmid.RoleNotFoundError`.
        """
        return await self._realm._call(
            delete_role.asyncio_detailed,
            RoleDeleteResult,
            platform_id=self._realm.realm_id,
            role_id=_inputs.path_id("role_id", role_id),
        )
