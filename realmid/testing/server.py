"""``RealmEmulator``: the in-memory issuer served over real HTTP on loopback.

Usage::

    with RealmEmulator() as emu:
        realm = Realm(realm_id=emu.realm_id, api_key=emu.api_key, base_url=emu.base_url)
        ...
"""

from __future__ import annotations

import copy
import logging
import socket
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import uvicorn
from starlette.applications import Starlette

from realmid.testing.app import QuietDrops, Runtime, build_app
from realmid.testing.clock import Clock
from realmid.testing.contract import Contract, get_contract
from realmid.testing.control import control_routes
from realmid.testing.directory import USER_STATUSES, create_role
from realmid.testing.faults import Faults
from realmid.testing.idempotency import IdempotencyStore
from realmid.testing.partner_otp import issue
from realmid.testing.profiles import DEFAULT, checked_profile
from realmid.testing.ratelimit import DEFAULT_RATE, RateLimiter
from realmid.testing.realms import RealmHandle, checked_config_patch, create_realm
from realmid.testing.seeding import SeededUser, seed_session, seed_tenant, seed_user
from realmid.testing.store import DEFAULT_OTP_TTL, Store

STARTUP_TIMEOUT = 10.0


class RealmEmulator:
    """An in-memory Realm ID issuer implementing every operation of the wire contract.

    It starts with one realm (:attr:`realm_id`, :attr:`api_key` with every scope,
    :attr:`audience`); :meth:`add_realm` makes more. Seeding helpers act on the default
    realm unless given ``realm_id``. :meth:`using_realm` returns a view of the same
    running emulator whose default realm is another one (cheap per-test isolation).

    ``profile`` shapes every answer: ``default`` (with harmless extras a real issuer may
    add) or ``reference`` (exactly the reference's Go types); :attr:`profile` flips it at
    runtime.

    ``contract`` is an OpenAPI document to serve instead of the one the SDK ships (e.g. a
    newer spec). An operation of it without a handler answers 501 ``not_implemented``
    rather than keeping the emulator from starting; :attr:`unhandled_operations` lists
    them, and each is logged as a warning when the emulator is built.

    Thread-safe: the server runs in a background thread; helpers may be called from any
    thread while requests are in flight.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        rate_limit: float = DEFAULT_RATE,
        burst: int | None = None,
        otp_ttl: int = DEFAULT_OTP_TTL,
        display_name: str = "Emulated Realm",
        control: bool = True,
        profile: str = DEFAULT,
        contract: Mapping[str, Any] | None = None,
    ) -> None:
        checked_profile(profile)
        self._host = host
        self._port = port
        self.clock = Clock()
        store = Store(self.clock)
        store.keys.add(store.now())
        store.otp_ttl = otp_ttl
        #: Fault injection switches (latency, scripted 5xx, drops, JWKS outage).
        self.faults = Faults(store.lock)
        self._runtime = Runtime(
            store=store,
            # The shipped contract is compiled once per process; another one per emulator.
            contract=get_contract() if contract is None else Contract(contract),
            faults=self.faults,
            limiter=RateLimiter(store.now, store.lock, rate_limit, burst),
            idempotency=IdempotencyStore(store.now, store.lock),
            default_realm=create_realm(store, display_name),
        )
        self._runtime.profile = profile
        self._realm = self._runtime.default_realm
        #: The ASGI application (for in-process use; the emulator serves it over HTTP).
        self.app: Starlette = build_app(
            self._runtime, control_routes(self._runtime) if control else None
        )
        # Shared by reference with realm views, so a view sees whether the server runs.
        self._serving = _Serving()
        self._owner = True

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> RealmEmulator:
        """Serve on ``host:port`` (port 0 picks a free one) in a background thread."""
        if not self._owner:
            return self
        if self._serving.server is not None:
            raise RuntimeError("the emulator is already running")
        # proto=IPPROTO_TCP matters: asyncio only sets TCP_NODELAY on accepted sockets whose
        # proto says TCP, and without it Nagle + delayed ACK add ~40 ms to every response.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self._host, self._port))
        port = sock.getsockname()[1]
        self._runtime.store.base_url = f"http://{self._host}:{port}"
        logging.getLogger("uvicorn.error").addFilter(_QUIET)
        config = uvicorn.Config(
            self.app,
            log_config=None,
            log_level="warning",
            access_log=False,
            lifespan="off",
            loop="asyncio",
            http="h11",
            timeout_graceful_shutdown=2,
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="realmid-emulator", daemon=True
        )
        thread.start()
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                server.should_exit = True
                sock.close()
                raise RuntimeError("the emulator did not start")
            time.sleep(0.005)
        self._serving.server, self._serving.thread, self._serving.socket = server, thread, sock
        return self

    def stop(self) -> None:
        """Stop serving (a no-op when not running, and on realm views)."""
        serving = self._serving
        if not self._owner or serving.server is None:
            return
        server, thread, sock = serving.server, serving.thread, serving.socket
        serving.server, serving.thread, serving.socket = None, None, None
        server.should_exit = True
        if thread is not None:
            thread.join(timeout=5)
            if thread.is_alive():
                server.force_exit = True
                thread.join(timeout=5)
        if sock is not None:
            sock.close()

    def __enter__(self) -> RealmEmulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        """Whether the HTTP server is serving."""
        return self._serving.server is not None

    # ------------------------------------------------------------------ answer profile

    @property
    def profile(self) -> str:
        """How answers are shaped: ``"default"`` or ``"reference"``; settable at runtime.

        Shared by every view of the emulator (the pytest ``emulator`` fixture puts it back
        after each test). An unknown name raises ValueError.
        """
        return self._runtime.profile

    @profile.setter
    def profile(self, name: str) -> None:
        self._runtime.profile = name

    # ------------------------------------------------------------------ the default realm

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``, also the ``iss`` of every access token."""
        url = self._runtime.store.base_url
        if not url:
            raise RuntimeError("the emulator is not started")
        return url

    @property
    def port(self) -> int:
        """The port the emulator listens on."""
        return int(self.base_url.rsplit(":", 1)[1])

    @property
    def realm(self) -> RealmHandle:
        """The default realm's handle."""
        return self._realm

    @property
    def realm_id(self) -> str:
        """The default realm's id."""
        return self._realm.realm_id

    @property
    def api_key(self) -> str:
        """An ``rk_test_...`` API key of the default realm with every scope."""
        return self._realm.api_key

    @property
    def audience(self) -> str:
        """The default realm's audience (``aud`` of its access tokens, its default Origin)."""
        return self._realm.audience

    @property
    def origin(self) -> str:
        """An ``Origin`` header value the default realm accepts (its audience)."""
        return self._realm.audience

    @property
    def domain(self) -> str:
        """The default realm's domain."""
        return self._realm.domain

    @property
    def display_name(self) -> str:
        """The default realm's display name."""
        return self._realm.display_name

    def add_realm(
        self,
        display_name: str = "Emulated Realm",
        *,
        config: Mapping[str, Any] | None = None,
        audience: str | None = None,
        domain: str | None = None,
        status: str = "active",
        signup_mode: str = "closed",
        owner_email: str | None = None,
        allow_shared_audience: bool = False,
    ) -> RealmHandle:
        """Create another realm (with its own full-scope API key) and return its handle.

        Two realms never share an ``audience`` by accident: one another realm has raises
        ValueError unless ``allow_shared_audience=True`` asks for exactly that.
        """
        store = self._runtime.store
        handle = create_realm(
            store,
            display_name,
            audience=audience,
            domain=domain,
            config=config,
            status=status,
            signup_mode=signup_mode,
            allow_shared_audience=allow_shared_audience,
        )
        if owner_email is not None:
            with store.lock:
                owner = seed_user(store, handle.realm_id, owner_email)
                store.realms[handle.realm_id].owner_user_id = owner.id
        return handle

    def using_realm(self, realm: RealmHandle) -> RealmEmulator:
        """A view of this running emulator whose default realm is ``realm``.

        The view shares the server, keys, clock, faults, rate limits and the answer
        profile; ``start``/``stop`` on it do nothing. Used by the function-scoped pytest
        fixture.
        """
        view = copy.copy(self)
        view._realm = realm
        view._owner = False
        return view

    def set_config(self, realm_id: str | None = None, **settings: Any) -> dict[str, Any]:
        """Patch a realm's config (same allowlist as the API); returns the whole config."""
        patch = checked_config_patch(settings)
        store = self._runtime.store
        with store.lock:
            realm = store.realm(realm_id or self.realm_id)
            if realm is None:
                raise ValueError(f"no realm {realm_id!r}")
            realm.config.update(patch)
            return dict(realm.config)

    def config(self, realm_id: str | None = None) -> dict[str, Any]:
        """A copy of a realm's config."""
        store = self._runtime.store
        with store.lock:
            realm = store.realm(realm_id or self.realm_id)
            if realm is None:
                raise ValueError(f"no realm {realm_id!r}")
            return dict(realm.config)

    # ------------------------------------------------------------------ clock

    @property
    def clock_offset(self) -> float:
        """Seconds the emulator clock runs ahead of the wall clock."""
        return self.clock.offset

    @clock_offset.setter
    def clock_offset(self, seconds: float) -> None:
        self.clock.offset = seconds

    def now(self) -> float:
        """The emulator clock (unix seconds)."""
        return self.clock.now()

    def advance(self, seconds: float) -> float:
        """Move the emulator clock forward; returns the new time."""
        return self.clock.advance(seconds)

    # ------------------------------------------------------------------ seeding

    def create_tenant(
        self,
        display_name: str,
        owner_email: str | None = None,
        *,
        allowed_domains: tuple[str, ...] = (),
        signup_mode: str = "closed",
        realm_id: str | None = None,
    ) -> str:
        """A tenant (optionally with an owner, created if new); returns its id."""
        tenant = seed_tenant(
            self._runtime.store,
            realm_id or self.realm_id,
            display_name,
            owner_email=owner_email,
            allowed_domains=allowed_domains,
            signup_mode=signup_mode,
        )
        return tenant.id

    def seed_user(
        self,
        email: str,
        tenants: Mapping[str, str] | None = None,
        *,
        status: str = "active",
        display_name: str | None = None,
        mfa: bool = False,
        realm_id: str | None = None,
    ) -> SeededUser:
        """A user with ``{tenant_id: role}`` memberships; ``mfa=True`` confirms a TOTP factor."""
        return seed_user(
            self._runtime.store,
            realm_id or self.realm_id,
            email,
            tenants=tenants,
            status=status,
            display_name=display_name,
            mfa=mfa,
        )

    def create_role(
        self,
        name: str,
        *,
        permissions: tuple[str, ...] = (),
        display_name: str | None = None,
        realm_id: str | None = None,
    ) -> str:
        """A custom catalog role; returns its id."""
        role = create_role(
            self._runtime.store,
            realm_id or self.realm_id,
            name,
            display_name=display_name,
            permissions=permissions,
        )
        return role.id

    def set_user_status(self, user_id: str, status: str) -> None:
        """Set a user's status (``active``, ``suspended``, ``deactivated``)."""
        if status not in USER_STATUSES:
            raise ValueError(f"status must be one of {', '.join(USER_STATUSES)}")
        store = self._runtime.store
        with store.lock:
            store.users[user_id].status = status

    def session_for(
        self, user_id: str, tenant_id: str | None = None, *, mfa: bool = False
    ) -> dict[str, Any]:
        """A live session (the ``Session`` body) without an HTTP login; ``mfa`` sets ``mfa_at``."""
        return seed_session(self._runtime.store, user_id, tenant_id, mfa=mfa)

    def mint_provider_token(
        self,
        email: str,
        method: str = "firebase",
        expires_in: int = 3600,
        email_verified: bool = True,
        display_name: str | None = None,
    ) -> str:
        """A provider token (Firebase / Google stand-in) for ``POST /auth/login``."""
        if method not in ("firebase", "google"):
            raise ValueError("method must be 'firebase' or 'google'")
        store = self._runtime.store
        return store.provider.mint(
            email=email,
            method=method,
            now=store.now(),
            expires_in=expires_in,
            email_verified=email_verified,
            display_name=display_name,
            issuer=store.base_url,
        )

    def issue_otp(
        self, user_id: str, subject_ref: str, purpose: str, *, tenant_id: str | None = None
    ) -> str:
        """Issue a partner OTP as ``user_id`` (in their first tenant by default); its value."""
        store = self._runtime.store
        with store.lock:
            user = store.users[user_id]
            if tenant_id is None:
                tenant_id = store.memberships_of(user.id)[0].tenant_id
            otp = issue(
                store,
                realm_id=user.realm_id,
                tenant_id=tenant_id,
                issuer_user_id=user.id,
                subject_ref=subject_ref,
                purpose=purpose,
            )
            return otp.value

    # ------------------------------------------------------------------ domains

    def publish_txt(self, name: str, value: str) -> None:
        """Make a DNS TXT record visible to domain verification."""
        store = self._runtime.store
        with store.lock:
            store.txt_records.setdefault(name.lower().rstrip("."), []).append(value)

    def unpublish_txt(self, name: str) -> None:
        """Remove every TXT record at ``name``."""
        store = self._runtime.store
        with store.lock:
            store.txt_records.pop(name.lower().rstrip("."), None)

    def publish_file(self, domain: str, path: str, content: str) -> None:
        """Serve ``content`` at ``https://<domain><path>`` for html_file verification."""
        store = self._runtime.store
        with store.lock:
            store.files[(domain.lower(), path)] = content

    # ------------------------------------------------------------------ keys

    @property
    def signing_kid(self) -> str:
        """The kid new access tokens are signed with."""
        return self._runtime.store.keys.active_kid

    @property
    def kids(self) -> list[str]:
        """The kids published in the JWKS, oldest first."""
        return self._runtime.store.keys.kids()

    def jwks(self) -> dict[str, Any]:
        """The JWKS document the emulator serves."""
        return self._runtime.store.keys.jwks()

    def rotate_keys(self) -> str:
        """Add a signing key that signs from now on (the old one stays published); its kid."""
        store = self._runtime.store
        return store.keys.add(store.now())

    def retire_key(self, kid: str) -> None:
        """Remove ``kid`` from the JWKS (the signing key cannot be retired)."""
        self._runtime.store.keys.retire(kid)

    def retire_old_keys(self) -> list[str]:
        """Remove every key but the signing one from the JWKS; returns their kids."""
        return self._runtime.store.keys.retire_old()

    # ------------------------------------------------------------------ limits & checks

    def set_rate_limit(self, rate: float, burst: int | None = None) -> None:
        """Per-IP token bucket: ``rate`` requests/second, ``burst`` deep (default = rate)."""
        self._runtime.limiter.configure(rate, burst)

    def reset_rate_limits(self) -> None:
        """Back to the limit the emulator was built with, every bucket full."""
        self._runtime.limiter.restore()

    @property
    def otp_ttl(self) -> int:
        """Lifetime in seconds of newly issued partner OTPs."""
        return self._runtime.store.otp_ttl

    @otp_ttl.setter
    def otp_ttl(self, seconds: int) -> None:
        self._runtime.store.otp_ttl = int(seconds)

    @property
    def unhandled_operations(self) -> tuple[str, ...]:
        """The operation ids of the contract the emulator has no handler for, sorted.

        Each answers 501 with the ``not_implemented`` envelope (not a contract violation).
        Empty for the contract the SDK ships; a newer ``contract`` may have some.
        """
        return self._runtime.unhandled_operations

    @property
    def contract_violations(self) -> list[str]:
        """Answers the emulator gave that its contract does not allow (should stay empty)."""
        with self._runtime.store.lock:
            return list(self._runtime.violations)

    def audit_kinds(self, realm_id: str | None = None) -> list[str]:
        """The kinds of the realm's audit events, oldest first."""
        store = self._runtime.store
        wanted = realm_id or self.realm_id
        with store.lock:
            return [e.kind for e in store.events if e.platform_id == wanted]


@dataclass
class _Serving:
    """The running server of an emulator (None fields when stopped)."""

    server: uvicorn.Server | None = None
    thread: threading.Thread | None = None
    socket: socket.socket | None = None


_QUIET = QuietDrops()
