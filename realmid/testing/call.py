"""What a handler receives (:class:`Call`) and returns (:class:`Reply`), plus scoping helpers."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from realmid.testing.contract import Operation
from realmid.testing.errors import bad_request, forbidden, not_found, unauthorized
from realmid.testing.model import Realm, Tenant, User
from realmid.testing.paging import paginate
from realmid.testing.principal import Principal
from realmid.testing.store import Store

T = TypeVar("T")


@dataclass
class Reply:
    """A handler's answer: status, JSON body (None for no body) and extra headers.

    ``shape`` names the reference Go type of the answer when the operation answers more
    than one (the platform-token answer of login and refresh); otherwise the table in
    :mod:`realmid.testing.reference_shapes` knows it.
    """

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    shape: str | None = None


@dataclass
class Call:
    """One validated request, as a handler sees it. Handlers run under the state lock."""

    store: Store
    op: Operation
    path: dict[str, str]
    query: dict[str, Any]
    headers: Mapping[str, str]
    body: Any
    principal: Principal | None
    client_ip: str
    request_id: str
    bearer: str | None = None
    #: ``X-On-Behalf-Of-IP`` when the issuer believes it (the caller holds a live platform
    #: token), else None: the pipeline decides once, for rate limits and handlers alike.
    forwarded_ip: str | None = None

    # ------------------------------------------------------------------ request parts

    def header(self, name: str) -> str | None:
        """A request header (case-insensitive), or None."""
        value = self.headers.get(name.lower())
        return value if value else None

    @property
    def user_agent(self) -> str | None:
        """The caller's ``User-Agent``."""
        return self.header("user-agent")

    @property
    def end_user_ip(self) -> str:
        """The end user's IP: the one a BFF forwards (:attr:`forwarded_ip`), else the peer.

        The header from anyone without a platform token is ignored, as the issuer does.
        """
        return self.forwarded_ip or self.client_ip

    def field(self, name: str, default: Any = None) -> Any:
        """A member of the JSON body (validated against the contract already)."""
        if isinstance(self.body, dict):
            return self.body.get(name, default)
        return default

    # ------------------------------------------------------------------ scoping

    def platform(self) -> Principal:
        """The platform principal; a user bearer here answers 401."""
        if self.principal is None or not self.principal.is_platform:
            raise unauthorized("a platform access token is required")
        return self.principal

    def realm(self) -> Realm:
        """The caller's realm."""
        if self.principal is None:
            raise unauthorized()
        realm = self.store.realm(self.principal.realm_id)
        if realm is None:
            raise unauthorized()
        return realm

    def own_realm(self) -> Realm:
        """The realm named by ``{platform_id}``, which must be the caller's (else 403)."""
        realm = self.realm()
        if self.path.get("platform_id") != realm.id:
            raise forbidden("a platform token may only touch its own realm")
        return realm

    def tenant(self) -> Tenant:
        """The tenant named by ``{tenant_id}`` within the caller's realm (else 404)."""
        tenant = self.store.tenant_in(self.realm().id, self.path["tenant_id"])
        if tenant is None:
            raise not_found("no such tenant")
        return tenant

    def require_scope(self, scope: str) -> None:
        """403 unless the platform principal's API key carries ``scope``."""
        if not self.platform().has_scope(scope):
            raise forbidden(f"the API key lacks the {scope!r} scope")

    def acting_user(self) -> tuple[User, str | None]:
        """The end user the call acts for, and their tenant (when known).

        A user bearer acts for its subject and tenant. A platform bearer acts for the
        user named by ``X-On-Behalf-Of-User`` (missing → 400, not a user of the realm →
        403); that user's tenant is the one of their latest live session, else their
        oldest membership.
        """
        principal = self.principal
        if principal is None:
            raise unauthorized()
        realm = self.realm()
        if principal.is_platform:
            user_id = self.header("x-on-behalf-of-user")
            if user_id is None:
                raise bad_request("X-On-Behalf-Of-User is required with a platform bearer")
            user = self.store.user_in(realm.id, user_id)
            if user is None:
                raise forbidden("X-On-Behalf-Of-User is not a user of this realm")
            sessions = self.store.live_sessions(user.id)
            if sessions:
                return user, max(sessions, key=lambda s: s.last_used_at).tenant_id
            memberships = self.store.memberships_of(user.id)
            return user, memberships[0].tenant_id if memberships else None
        if realm.config.get("require_bff_login") and self.op.documents(403):
            raise forbidden("this realm requires calls through the partner backend (BFF)")
        user = self.store.user_in(realm.id, principal.user_id or "")
        if user is None:
            raise unauthorized()
        return user, principal.tenant_id

    # ------------------------------------------------------------------ answers

    def page(
        self,
        items: Sequence[T],
        render: Callable[[T], dict[str, Any]],
        *,
        key: Callable[[T], int] | None = None,
        descending: bool = False,
        total: bool = True,
    ) -> Reply:
        """One page of ``items`` in the page envelope."""
        chosen, next_cursor = paginate(
            items,
            cursor=self.query.get("cursor"),
            limit=self.query.get("limit"),
            key=key,
            descending=descending,
        )
        body: dict[str, Any] = {
            "items": [render(item) for item in chosen],
            "next_cursor": next_cursor,
        }
        if total:
            body["total"] = len(items)
        return Reply(200, body)

    def audit(
        self,
        kind: str,
        *,
        target_type: str | None = None,
        target_id: str | None = None,
        tenant_id: str | None = None,
        summary: str | None = None,
        realm_id: str | None = None,
        actor_user_id: str | None = None,
    ) -> None:
        """Append an audit event attributed to the caller."""
        principal = self.principal
        label = principal.identity if principal is not None else None
        if actor_user_id is None and principal is not None and not principal.is_platform:
            actor_user_id = principal.user_id
        if realm_id is None and principal is not None:
            realm_id = principal.realm_id
        self.store.audit(
            kind,
            platform_id=realm_id,
            tenant_id=tenant_id,
            actor_user_id=actor_user_id,
            actor_label=label,
            target_type=target_type,
            target_id=target_id,
            summary=summary,
        )
