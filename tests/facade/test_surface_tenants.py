"""realm.tenants (+ .invitations, .users) end to end against the emulator, both faces."""

from __future__ import annotations

import json

import pyotp
import pytest

from realmid.errors import (
    BadRequestError,
    ErrorCode,
    LastOwnerError,
    RoleNotFoundError,
    is_code,
)
from realmid.models import MFAEnrollResult, Tenant, UpdateUserRoleResult, User, UserStatus
from realmid.testing import RealmEmulator

from .support import call, collect
from .surface_support import error_of, login, member, open_realm, unique, wrong_code

pytestmark = pytest.mark.anyio


# ---------------------------------------------------------------------- tenants


async def test_tenant_lifecycle(face: str, emulator: RealmEmulator) -> None:
    async with open_realm(face, emulator) as (realm, sent):
        tenant = await call(
            realm.tenants.create("Acme", signup_mode="allowlist", allowed_domains=["Acme.Example"])
        )
        assert isinstance(tenant, Tenant)
        assert tenant.display_name == "Acme"
        # The reference's Tenant does not carry the signup policy back: what counts is that
        # it went out.
        created = json.loads(next(s for s in sent.sent if s.path == "/tenants").body)
        assert created == {
            "display_name": "Acme",
            "signup_mode": "allowlist",
            "allowed_domains": ["Acme.Example"],
        }
        assert (await call(realm.tenants.get(tenant.id))).id == tenant.id
        renamed = await call(realm.tenants.update(tenant.id, display_name="Acme Corp"))
        assert renamed.display_name == "Acme Corp"
        merged = await call(realm.tenants.update_config(tenant.id, {"theme": {"color": "teal"}}))
        merged = await call(
            realm.tenants.update_config(tenant.id, {"theme": {"logo": "x.png"}, "beta": True})
        )
        assert merged.config == {
            "theme": {"color": "teal", "logo": "x.png"},
            "beta": True,
        }
        pruned = await call(realm.tenants.update_config(tenant.id, {"beta": None}))
        assert "beta" not in (pruned.config or {})
        await call(realm.tenants.delete(tenant.id))
        gone = await error_of(lambda: realm.tenants.get(tenant.id))
        assert gone.code is ErrorCode.NOT_FOUND
        assert gone.http_status == 404
        again = await error_of(lambda: realm.tenants.delete(tenant.id))
        assert again.code is ErrorCode.NOT_FOUND
        bad = await error_of(lambda: realm.tenants.create("Open", signup_mode="open"))
        assert bad.code is ErrorCode.BAD_REQUEST
        before = len(sent.sent)
        with pytest.raises(BadRequestError):
            await call(realm.tenants.update(tenant.id))
        for wrong_id in ("", ".", ".."):
            with pytest.raises(BadRequestError):
                await call(realm.tenants.get(wrong_id))
        with pytest.raises(BadRequestError):
            await call(realm.tenants.create(""))
        assert len(sent.sent) == before


async def test_create_sends_an_idempotency_key_and_retries_with_it(
    face: str, emulator: RealmEmulator
) -> None:
    async with open_realm(face, emulator) as (realm, sent):
        await call(realm.info())
        emulator.faults.fail_next(1, status=503, path_prefix="/tenants")
        tenant = await call(realm.tenants.create("Once"))
        posts = [s for s in sent.sent if (s.method, s.path) == ("POST", "/tenants")]
        assert len(posts) == 2
        keys = {p.headers["idempotency-key"] for p in posts}
        assert len(keys) == 1
        # A second create is a new intent: a new key, a second tenant.
        other = await call(realm.tenants.create("Once"))
        assert other.id != tenant.id
        last = [s for s in sent.sent if (s.method, s.path) == ("POST", "/tenants")][-1]
        assert last.headers["idempotency-key"] not in keys
        names = [t.display_name for t in await collect(realm.tenants.list())]
        assert names == ["Once", "Once"]


async def test_list_pages_through_every_tenant(face: str, emulator: RealmEmulator) -> None:
    for i in range(5):
        emulator.create_tenant(f"T{i}")
    async with open_realm(face, emulator) as (realm, sent):
        names = [t.display_name for t in await collect(realm.tenants.list(limit=2))]
        assert names == [f"T{i}" for i in range(5)]
        assert sent.count("GET", "/tenants") == 3
        page = await call(realm.tenants.list().page(limit=3))
        assert [t.display_name for t in page.items] == ["T0", "T1", "T2"]
        assert page.total == 5
        assert page.next_cursor


async def test_transfer_owner_and_update_user_role(face: str, emulator: RealmEmulator) -> None:
    owner = member(emulator, "owner")
    tenant_id = owner.tenant_id or ""
    colleague = emulator.seed_user(f"{unique('col')}@example.test", {tenant_id: "member"})
    emulator.create_role("dispatch")
    async with open_realm(face, emulator) as (realm, sent):
        result = await call(realm.tenants.update_user_role(tenant_id, colleague.id, "dispatch"))
        assert isinstance(result, UpdateUserRoleResult)
        assert (result.id, result.role, result.tenant_id) == (colleague.id, "dispatch", tenant_id)
        assert (await call(realm.tenants.users.get(tenant_id, colleague.id))).role == "dispatch"

        missing = await error_of(
            lambda: realm.tenants.update_user_role(tenant_id, colleague.id, "no_such_role")
        )
        assert isinstance(missing, RoleNotFoundError)
        assert is_code(missing, ErrorCode.ROLE_NOT_FOUND)

        last = await error_of(lambda: realm.tenants.update_user_role(tenant_id, owner.id, "member"))
        assert isinstance(last, LastOwnerError)
        assert is_code(last, "last_owner")
        assert last.http_status == 409

        before = len(sent.sent)
        with pytest.raises(BadRequestError, match="transfer_owner"):
            await call(realm.tenants.update_user_role(tenant_id, colleague.id, "owner"))
        assert len(sent.sent) == before

        transferred = await call(realm.tenants.transfer_owner(tenant_id, colleague.id))
        assert transferred.owner_user_id == colleague.id
        assert (await call(realm.tenants.users.get(tenant_id, owner.id))).role == "member"
        # Now the former owner can be given any catalog role; the new one is the last owner.
        await call(realm.tenants.update_user_role(tenant_id, owner.id, "dispatch"))
        still = await error_of(
            lambda: realm.tenants.update_user_role(tenant_id, colleague.id, "member")
        )
        assert isinstance(still, LastOwnerError)

        stranger = member(emulator)
        not_member = await error_of(lambda: realm.tenants.transfer_owner(tenant_id, stranger.id))
        assert not_member.code is ErrorCode.BAD_REQUEST
        unknown = await error_of(lambda: realm.tenants.transfer_owner(tenant_id, "usr_nope"))
        assert unknown.code is ErrorCode.NOT_FOUND


async def test_tenant_domain_claim_and_verify(face: str, emulator: RealmEmulator) -> None:
    tenant_id = emulator.create_tenant(unique("Dom"))
    domain = f"{unique('shop')}.example"
    async with open_realm(face, emulator) as (realm, sent):
        claim = await call(realm.tenants.claim_domain(tenant_id, f"https://{domain.upper()}/"))
        assert (claim.domain, claim.status, claim.method) == (domain, "pending", "dns_txt")
        assert claim.dns_record_name
        assert claim.dns_record_value
        post = [s for s in sent.sent if s.path.endswith("/domains")][-1]
        assert post.path == f"/platforms/{emulator.realm_id}/tenants/{tenant_id}/domains"
        assert post.headers["idempotency-key"]
        assert json.loads(post.body) == {"domain": domain}
        again = await call(realm.tenants.claim_domain(tenant_id, domain))
        assert again.dns_record_value == claim.dns_record_value  # idempotent re-claim
        pending = await call(realm.tenants.verify_domain(tenant_id, domain))
        # Go omits a false `verified` (omitempty): absent is UNSET, falsy like False.
        assert not pending.verified
        assert pending.status == "pending"
        emulator.publish_txt(str(claim.dns_record_name), str(claim.dns_record_value))
        done = await call(realm.tenants.verify_domain(tenant_id, domain))
        assert (done.verified, done.status) == (True, "verified")
        html = await call(
            realm.tenants.claim_domain(tenant_id, f"files.{domain}", method="html_file")
        )
        assert html.method == "html_file"
        assert html.file_path
        assert html.file_content
        never = await error_of(lambda: realm.tenants.verify_domain(tenant_id, "never.example"))
        assert never.code is ErrorCode.NOT_FOUND
        other_realm = await error_of(
            lambda: realm.tenants.claim_domain(tenant_id, domain, realm_id="01OTHERREALM")
        )
        assert other_realm.code is ErrorCode.FORBIDDEN


# ---------------------------------------------------------------------- invitations


async def test_invitations(face: str, emulator: RealmEmulator) -> None:
    tenant_id = emulator.create_tenant(unique("Inv"))
    emulator.create_role("auditor")
    email = f"{unique('invitee')}@example.test"
    async with open_realm(face, emulator) as (realm, sent):
        invitation = await call(realm.tenants.invitations.create(tenant_id, email, role="auditor"))
        assert (invitation.email, invitation.role, invitation.status) == (
            email,
            "auditor",
            "pending",
        )
        post = [s for s in sent.sent if s.path.endswith("/invitations")][-1]
        assert post.headers["idempotency-key"]
        plain = await call(realm.tenants.invitations.create(tenant_id, f"m.{email}"))
        assert plain.role == "member"
        listed = await collect(realm.tenants.invitations.list(tenant_id, limit=1))
        assert [i.id for i in listed] == [invitation.id, plain.id]
        twice = await error_of(lambda: realm.tenants.invitations.create(tenant_id, email))
        assert twice.code is ErrorCode.CONFLICT
        no_role = await error_of(
            lambda: realm.tenants.invitations.create(tenant_id, f"x.{email}", role="nope")
        )
        assert isinstance(no_role, RoleNotFoundError)
        await call(realm.tenants.invitations.delete(tenant_id, plain.id))
        assert [i.id for i in await collect(realm.tenants.invitations.list(tenant_id))] == [
            invitation.id
        ]
        gone = await error_of(lambda: realm.tenants.invitations.delete(tenant_id, plain.id))
        assert gone.code is ErrorCode.NOT_FOUND
        # The invitee joins on first login with the invited role.
        session = await call(realm.auth.login(emulator.mint_provider_token(email)))
        assert (session.tenant_id, session.role) == (tenant_id, "auditor")
        assert await collect(realm.tenants.invitations.list(tenant_id)) == []
        missing = await error_of(lambda: collect(realm.tenants.invitations.list("ten_missing")))
        assert missing.code is ErrorCode.NOT_FOUND


# ---------------------------------------------------------------------- users


async def test_users_get_list_and_status(face: str, emulator: RealmEmulator) -> None:
    owner = member(emulator, "owner")
    tenant_id = owner.tenant_id or ""
    other = emulator.seed_user(f"{unique('u')}@example.test", {tenant_id: "member"})
    async with open_realm(face, emulator) as (realm, sent):
        user = await call(realm.tenants.users.get(tenant_id, other.id))
        assert isinstance(user, User)
        assert (user.email, user.status, user.role) == (other.email, "active", "member")
        # Go omits a false `mfa_enabled` (omitempty): absent is UNSET, falsy like False.
        assert not user.mfa_enabled
        listed = await collect(realm.tenants.users.list(tenant_id, limit=1))
        assert [u.id for u in listed] == [owner.id, other.id]
        session = await login(realm, emulator, other)
        suspended = await call(
            realm.tenants.users.update_status(tenant_id, other.id, UserStatus.SUSPENDED)
        )
        assert suspended.status == "suspended"
        blocked = await error_of(lambda: login(realm, emulator, other))
        assert blocked.code is ErrorCode.ACCOUNT_SUSPENDED
        await call(realm.tenants.users.update_status(tenant_id, other.id, "deactivated"))
        # Deactivation ends the user's sessions.
        ended = await error_of(lambda: realm.auth.token(session.refresh_token))
        assert ended.code is ErrorCode.UNAUTHORIZED
        back = await call(realm.tenants.users.update_status(tenant_id, other.id, "active"))
        assert back.status == "active"
        before = len(sent.sent)
        with pytest.raises(BadRequestError, match="status must be one of"):
            await call(realm.tenants.users.update_status(tenant_id, other.id, "banned"))
        assert len(sent.sent) == before
        stranger = member(emulator)
        outside = await error_of(lambda: realm.tenants.users.get(tenant_id, stranger.id))
        assert outside.code is ErrorCode.NOT_FOUND


async def test_mfa_enroll_confirm_and_reset(face: str, emulator: RealmEmulator) -> None:
    user = member(emulator, "member")
    tenant_id = user.tenant_id or ""
    async with open_realm(face, emulator) as (realm, _):
        early = await error_of(
            lambda: realm.tenants.users.confirm_mfa(tenant_id, user.id, "123456")
        )
        assert early.code is ErrorCode.CONFLICT
        material = await call(realm.tenants.users.enroll_mfa(tenant_id, user.id))
        assert isinstance(material, MFAEnrollResult)
        assert material.secret in material.otpauth_uri
        assert len(material.backup_codes) == 8
        text = repr(material)
        for secret in (material.secret, material.otpauth_uri, *material.backup_codes):
            assert secret not in text
        totp = pyotp.TOTP(material.secret)
        now = int(emulator.now())
        wrong = await error_of(
            lambda: realm.tenants.users.confirm_mfa(tenant_id, user.id, wrong_code(totp.at(now)))
        )
        assert wrong.code is ErrorCode.INVALID_OTP
        assert (await login(realm, emulator, user)).access_token  # not on until confirmed
        await call(realm.tenants.users.confirm_mfa(tenant_id, user.id, totp.at(now)))
        assert (await call(realm.tenants.users.get(tenant_id, user.id))).mfa_enabled is True
        twice = await error_of(lambda: realm.tenants.users.enroll_mfa(tenant_id, user.id))
        assert twice.code is ErrorCode.CONFLICT
        challenged = await error_of(lambda: login(realm, emulator, user))
        assert challenged.code is ErrorCode.MFA_REQUIRED
        session = await call(
            realm.auth.mfa_verify(
                challenged.details["mfa_challenge_token"],
                material.backup_codes[0],
                method="backup_code",
            )
        )
        assert session.user.id == user.id
        await call(realm.tenants.users.reset_mfa(tenant_id, user.id))
        assert not (await call(realm.tenants.users.get(tenant_id, user.id))).mfa_enabled
        assert (await login(realm, emulator, user)).access_token
        gone = await error_of(lambda: realm.tenants.users.reset_mfa(tenant_id, "usr_nope"))
        assert gone.code is ErrorCode.NOT_FOUND
