"""realm.domains, .api_keys, .config, .roles and .admin end to end, both faces."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

import realmid
from realmid.errors import (
    BadRequestError,
    ErrorCode,
    RoleExistsError,
    RoleInUseError,
    RoleNotFoundError,
    SystemRoleImmutableError,
    is_code,
)
from realmid.models import APIKey, RealmConfig, RoleListPage, RoleObject
from realmid.testing import RealmEmulator

from .support import call, close, collect
from .surface_support import error_of, member, open_realm, unique

pytestmark = pytest.mark.anyio


# ---------------------------------------------------------------------- domains


async def test_domain_claim_then_verify(face: str, emulator: RealmEmulator) -> None:
    hostname = f"{unique('login')}.example"
    async with open_realm(face, emulator) as (realm, sent):
        claim = await call(realm.domains.claim(f"https://{hostname}:443/x"))
        assert (claim.hostname, claim.status) == (hostname, "pending")
        assert sent.sent[-1].headers["idempotency-key"]
        assert json.loads(sent.sent[-1].body) == {"hostname": hostname}
        pending = await call(realm.domains.verify(str(claim.claim_token)))
        # Go omits a false `verified` (omitempty): absent is UNSET, falsy like False.
        assert not pending.verified
        assert pending.status == "pending"
        emulator.publish_txt(claim.txt_record.name, claim.txt_record.value)
        done = await call(realm.domains.verify(str(claim.claim_token)))
        assert (done.hostname, done.verified, done.status) == (hostname, True, "verified")
        unknown = await error_of(lambda: realm.domains.verify("no-such-token"))
        assert unknown.code is ErrorCode.NOT_FOUND
        invalid = await error_of(lambda: realm.domains.claim("not a hostname"))
        assert invalid.code is ErrorCode.BAD_REQUEST
        before = len(sent.sent)
        with pytest.raises(BadRequestError):
            await call(realm.domains.claim("https://"))
        with pytest.raises(BadRequestError):
            await call(realm.domains.verify(""))
        assert len(sent.sent) == before


# ---------------------------------------------------------------------- API keys


async def test_api_key_create_list_revoke(face: str, emulator: RealmEmulator) -> None:
    async with open_realm(face, emulator) as (realm, sent):
        key = await call(realm.api_keys.create("worker", scopes=["tenants"]))
        assert isinstance(key, APIKey)
        assert key.secret is not None
        assert key.prefix is not None
        assert key.secret.startswith(key.prefix)
        assert key.scopes == ["tenants"]
        assert key.secret not in repr(key)
        assert sent.sent[-1].headers["idempotency-key"]
        listed = await collect(realm.api_keys.list(limit=1))
        assert [k.id for k in listed] == [emulator.realm.api_key_id, key.id]
        assert all(k.secret is None for k in listed)  # secrets only on creation

        # The new secret works as a realm API key of its own.
        cls = realmid.AsyncRealm if face == "async" else realmid.Realm
        second = cls(realm_id=emulator.realm_id, api_key=key.secret, base_url=emulator.base_url)
        try:
            assert await collect(second.tenants.list()) == []
        finally:
            await close(second)

        revoked = await call(realm.api_keys.revoke(key.id))
        assert revoked.revoked_at
        assert revoked.secret is None
        twice = await error_of(lambda: realm.api_keys.revoke(key.id))
        assert twice.code is ErrorCode.CONFLICT
        unknown = await error_of(lambda: realm.api_keys.revoke("key_missing"))
        assert unknown.code is ErrorCode.NOT_FOUND
        with pytest.raises(BadRequestError):
            await call(realm.api_keys.create(""))


# ---------------------------------------------------------------------- config


async def test_config_update(face: str, emulator: RealmEmulator) -> None:
    async with open_realm(face, emulator) as (realm, sent):
        config = await call(realm.config.update({"otp_login_enabled": True}, session_limit=3))
        assert isinstance(config, RealmConfig)
        assert (config.otp_login_enabled, config.session_limit) == (True, 3)
        assert config.access_token_ttl == 900  # the whole config comes back
        assert json.loads(sent.sent[-1].body) == {"otp_login_enabled": True, "session_limit": 3}
        assert emulator.config()["session_limit"] == 3
        unlimited = await call(realm.config.update(session_limit=None))
        # None is an explicit null here (unlimited), not an absent setting.
        assert json.loads(sent.sent[-1].body) == {"session_limit": None}
        assert emulator.config()["session_limit"] is None
        assert unlimited.session_limit is None
        unknown = await error_of(lambda: realm.config.update(no_such_setting=1))
        assert unknown.code is ErrorCode.BAD_REQUEST
        wrong_type = await error_of(lambda: realm.config.update(otp_mfa_enabled="yes"))
        assert wrong_type.code is ErrorCode.BAD_REQUEST
        before = len(sent.sent)
        with pytest.raises(BadRequestError):
            await call(realm.config.update())
        with pytest.raises(BadRequestError):
            await call(realm.config.update({}))
        assert len(sent.sent) == before


# ---------------------------------------------------------------------- roles


async def test_role_catalog(face: str, emulator: RealmEmulator) -> None:
    async with open_realm(face, emulator) as (realm, sent):
        role = await call(
            realm.roles.create("dispatch", display_name="Dispatch", permissions=["orders:read"])
        )
        assert isinstance(role, RoleObject)
        assert (role.name, role.permissions, role.is_system) == ("dispatch", ["orders:read"], False)
        assert sent.sent[-1].headers["idempotency-key"]

        page = await call(realm.roles.list(limit=2))
        assert isinstance(page, RoleListPage)
        assert [r.name for r in page.items] == ["owner", "member"]
        assert page.total == 3
        rest = await call(realm.roles.list(cursor=str(page.next_cursor), limit=2))
        assert [r.name for r in rest.items] == ["dispatch"]
        assert not rest.next_cursor

        updated = await call(realm.roles.update(role.id, permissions=["orders:*"]))
        assert (updated.display_name, updated.permissions) == ("Dispatch", ["orders:*"])
        by_name = await call(realm.roles.update("dispatch", display_name="Dispatchers"))
        assert by_name.permissions == ["orders:*"]  # absent fields are left alone
        renamed = await call(realm.roles.rename(role.id, "dispatcher"))
        assert renamed.name == "dispatcher"
        deleted = await call(realm.roles.delete(role.id))
        assert deleted.status == "deleted"

        before = len(sent.sent)
        with pytest.raises(BadRequestError):
            await call(realm.roles.update(role.id))
        with pytest.raises(BadRequestError):
            await call(realm.roles.list(limit=0))
        assert len(sent.sent) == before


async def test_role_errors_by_class_and_by_code(face: str, emulator: RealmEmulator) -> None:
    emulator.create_role("courier")
    holder = member(emulator, "courier")
    assert holder.tenant_id
    async with open_realm(face, emulator) as (realm, _):
        exists = await error_of(lambda: realm.roles.create("courier"))
        assert isinstance(exists, RoleExistsError)
        assert is_code(exists, ErrorCode.ROLE_EXISTS)
        assert exists.http_status == 409

        in_use = await error_of(lambda: realm.roles.delete("courier"))
        assert isinstance(in_use, RoleInUseError)
        assert is_code(in_use, "role_in_use")

        for system in ("owner", "member"):
            immutable = await error_of(lambda s=system: realm.roles.delete(s))  # type: ignore[misc]
            assert isinstance(immutable, SystemRoleImmutableError)
            assert immutable.http_status == 400
            patched = await error_of(
                lambda s=system: realm.roles.update(s, display_name="X")  # type: ignore[misc]
            )
            assert is_code(patched, ErrorCode.SYSTEM_ROLE_IMMUTABLE)

        missing = await error_of(lambda: realm.roles.rename("role_missing", "x"))
        assert isinstance(missing, RoleNotFoundError)
        assert is_code(missing, "role_not_found")
        taken = await error_of(lambda: realm.roles.rename("courier", "member"))
        assert isinstance(taken, RoleExistsError)
        bad_name = await error_of(lambda: realm.roles.create("Not-A-Name"))
        assert bad_name.code is ErrorCode.BAD_REQUEST
        assert type(bad_name) is realmid.RealmError

        # Renaming follows into memberships: the holder now has the new name.
        await call(realm.roles.rename("courier", "rider"))
        user = await call(realm.tenants.users.get(holder.tenant_id, holder.id))
        assert user.role == "rider"


# ---------------------------------------------------------------------- admin


async def test_admin_views(face: str, emulator: RealmEmulator) -> None:
    async with open_realm(face, emulator) as (realm, sent):
        tenant = await call(realm.tenants.create(unique("Audited")))
        await call(realm.roles.create("auditor"))

        events = await call(realm.admin.list_events(platform_id=emulator.realm_id, limit=1))
        assert [e.kind for e in events.items] == ["role.created"]  # newest first
        assert events.next_cursor
        older = await call(
            realm.admin.list_events(
                platform_id=emulator.realm_id, cursor=str(events.next_cursor), limit=10
            )
        )
        assert "tenant.created" in [e.kind for e in older.items]
        only = await call(
            realm.admin.list_events(platform_id=emulator.realm_id, kind="tenant.created")
        )
        assert [e.target_id for e in only.items] == [tenant.id]
        several = await call(
            realm.admin.list_events(
                platform_id=emulator.realm_id, kind=["tenant.created", "role.created"]
            )
        )
        assert len(several.items) == 2
        assert sent.sent[-1].path == "/admin/events"
        assert "kind=tenant.created&kind=role.created" in sent.queries[-1]
        future = datetime.now(UTC) + timedelta(days=3650)
        none = await call(realm.admin.list_events(platform_id=emulator.realm_id, since=future))
        assert none.items == []
        window = await call(
            realm.admin.list_events(platform_id=emulator.realm_id, since=0, until=future)
        )
        assert len(window.items) >= 2

        platforms = await call(realm.admin.list_platforms(q=emulator.realm_id, status="active"))
        assert [p.id for p in platforms.items] == [emulator.realm_id]
        assert platforms.total == 1
        assert platforms.items[0].tenants_count == 1
        none_found = await call(
            realm.admin.list_platforms(q=emulator.realm_id, has_custom_domain=True)
        )
        assert none_found.items == []
        bad_sort = await error_of(lambda: realm.admin.list_platforms(sort="colour"))
        assert bad_sort.code is ErrorCode.BAD_REQUEST

        hits = await call(realm.admin.search(tenant.display_name or "", limit=5))
        assert [(h.type_, h.id) for h in hits.items] == [("tenant", tenant.id)]
        unlimited = await call(realm.admin.search(tenant.display_name or "", limit=0))
        assert "limit" not in sent.queries[-1]  # ≤ 0 leaves it to the server
        assert "limit=5" in sent.queries[-2]
        assert len(unlimited.items) == 1

        stats = await call(realm.admin.stats())
        assert stats.platforms_count >= 1
        assert stats.tenants_count >= 1
        assert stats.events_24h >= 2

        before = len(sent.sent)
        with pytest.raises(BadRequestError):
            await call(realm.admin.list_events(since=datetime(2024, 1, 1)))  # naive
        with pytest.raises(BadRequestError):
            await call(realm.admin.list_events(limit=0))
        with pytest.raises(BadRequestError):
            await call(realm.admin.search(""))
        assert len(sent.sent) == before


async def test_admin_needs_the_admin_scope(face: str, emulator: RealmEmulator) -> None:
    async with open_realm(face, emulator) as (realm, _):
        key = await call(realm.api_keys.create("tenants only", scopes=["tenants"]))
    cls = realmid.AsyncRealm if face == "async" else realmid.Realm
    limited = cls(realm_id=emulator.realm_id, api_key=key.secret, base_url=emulator.base_url)
    try:
        denied = await error_of(lambda: limited.admin.stats())
        assert denied.code is ErrorCode.FORBIDDEN
    finally:
        await close(limited)
