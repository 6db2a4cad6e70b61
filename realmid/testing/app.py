"""The ASGI application: request ids, faults, rate limits, contract validation, dispatch.

Every contract request goes through one pipeline: match the operation in the contract,
rate-limit (per end-user IP: ``X-On-Behalf-Of-IP`` when a live platform token vouches for
it, else the peer's, see :func:`trusted_forwarded_ip`), validate path/query/header
parameters and the JSON body, authenticate with the schemes the operation lists, replay
idempotent POSTs, run the handler under the state lock, then :func:`render` the answer:
shape it for the profile (``emu.profile``), check it against the contract (violations are
recorded for the test suite to assert on, never raised at the client) and serialize it.

An operation of the contract that has no handler (a spec newer than the handlers) does
not stop the emulator: it answers 501 ``not_implemented`` (:class:`NoHandler`), is
listed by :func:`unhandled_operations` and logged once when the application is built.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import secrets
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route

from realmid.testing.call import Call, Reply
from realmid.testing.contract import Contract, InputError, Operation
from realmid.testing.errors import ApiError, bad_request, not_found, unauthorized
from realmid.testing.faults import Faults, RawAnswer
from realmid.testing.handlers.table import ROUTES
from realmid.testing.idempotency import IdempotencyStore, KeyReused
from realmid.testing.principal import authenticate, bearer, is_platform_token
from realmid.testing.profiles import DEFAULT, checked_profile, shape_body
from realmid.testing.ratelimit import RateLimiter
from realmid.testing.realms import RealmHandle
from realmid.testing.store import Store

log = logging.getLogger("realmid.testing")

MAX_BODY = 64 * 1024
REQUEST_ID = "realmid.request_id"
CONTROL_PREFIX = "/_emulator"
JWKS_PATH = "/.well-known/jwks.json"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

NOT_IMPLEMENTED = "not_implemented"


def unhandled_operations(contract: Contract) -> tuple[str, ...]:
    """The operation ids of ``contract`` no handler serves, sorted (each answers 501)."""
    return tuple(sorted({op.operation_id for op in contract.operations} - ROUTES.keys()))


class NoHandler(ApiError):
    """501 ``not_implemented``: the contract has the operation, the emulator no handler for it.

    A class of its own so the dispatcher can tell it from a handler's errors: no operation
    documents a 501, and this one is deliberate, so the contract self-check skips it (as it
    skips the raw fault answers) instead of recording a violation.
    """

    def __init__(self, operation_id: str) -> None:
        super().__init__(501, NOT_IMPLEMENTED, f"the emulator has no handler for {operation_id}")


@dataclass
class Runtime:
    """Everything the application serves from, shared with the Python-side API."""

    store: Store
    contract: Contract
    faults: Faults
    limiter: RateLimiter
    idempotency: IdempotencyStore
    default_realm: RealmHandle
    violations: list[str] = field(default_factory=list)
    _profile: str = DEFAULT

    @property
    def profile(self) -> str:
        """How answers are shaped: ``default`` or ``reference`` (see :mod:`.profiles`)."""
        return self._profile

    @profile.setter
    def profile(self, name: str) -> None:
        self._profile = checked_profile(name)

    @property
    def unhandled_operations(self) -> tuple[str, ...]:
        """The contract's operations without a handler, sorted (they answer 501)."""
        return unhandled_operations(self.contract)

    def record_violation(self, message: str) -> None:
        """Note an answer the contract does not allow (the test suite asserts none happen)."""
        with self.store.lock:
            self.violations.append(message)
        log.warning("contract violation: %s", message)


class InjectedDrop(Exception):
    """Raised after a response has started, so the server closes the connection mid-body."""


def json_bytes(body: Any) -> bytes:
    """Compact JSON."""
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def render(
    runtime: Runtime, reply: Reply, op: Operation | None = None, *, checked: bool = True
) -> Response:
    """The one place an answer becomes a response: shaped, checked, serialized.

    The profile shapes every answer here alike (handler replies, error envelopes,
    idempotent replays, injected 5xx), and the contract self-check sees the body as it
    is sent. Without ``op`` (no operation matched, or a fault answered before routing)
    there is nothing to check against; ``checked=False`` marks an answer deliberately
    outside the contract (the 501 of an operation without a handler).
    """
    name = op.operation_id if op is not None else None
    body = shape_body(runtime.profile, name, reply.status, reply.body, reply.shape)
    if op is not None and checked:
        problem = op.check_response(reply.status, body)
        if problem is not None:
            runtime.record_violation(problem)
    if body is None:
        return Response(status_code=reply.status, headers=reply.headers)
    return Response(
        json_bytes(body),
        status_code=reply.status,
        headers=reply.headers,
        media_type="application/json",
    )


def error_reply(error: ApiError, request_id: str | None) -> Reply:
    """The envelope answer of ``error``."""
    return Reply(error.status, error.envelope(request_id), dict(error.headers))


def raw_response(raw: RawAnswer, retry_after: int | None) -> Response:
    """A scripted raw answer, sent as it is (deliberately outside the contract and profile)."""
    headers = {}
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    if raw.content_type is not None:
        headers["Content-Type"] = raw.content_type
    return Response(raw.body, status_code=raw.status, headers=headers)


# ---------------------------------------------------------------------- ASGI middleware


class RequestIdMiddleware:
    """Give every request an id and stamp ``X-Request-Id`` on every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = f"req_{secrets.token_hex(8)}"
        scope[REQUEST_ID] = request_id

        async def stamped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k.lower() != b"x-request-id"
                ]
                headers.append((b"x-request-id", request_id.encode("ascii")))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, stamped)


class FaultMiddleware:
    """Apply ``emu.faults`` to contract routes (never to the control surface)."""

    def __init__(self, app: ASGIApp, runtime: Runtime) -> None:
        self.app = app
        self.runtime = runtime
        self.faults = runtime.faults

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] != "http" or path.startswith(CONTROL_PREFIX):
            await self.app(scope, receive, send)
            return
        latency = self.faults.latency
        if latency > 0:
            await asyncio.sleep(latency)
        rule = self.faults.take(path)
        if rule is not None and rule.kind == "drop":
            # Promise more bytes than are sent, then abort: the client sees the connection
            # close mid-response, as with a crashed proxy.
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", b"4096"),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": b'{"items":[', "more_body": True})
            raise InjectedDrop("injected connection drop")
        if rule is not None and rule.raw is not None:
            await raw_response(rule.raw, rule.retry_after)(scope, receive, send)
            return
        error: ApiError | None = None
        if rule is not None:
            headers = {"Retry-After": str(rule.retry_after)} if rule.retry_after is not None else {}
            extra = {"retry_after": rule.retry_after} if rule.retry_after is not None else {}
            error = ApiError(
                rule.status, "server_error", "injected server error", headers=headers, **extra
            )
        elif path == JWKS_PATH and self.faults.jwks_outage:
            error = ApiError(
                503,
                "server_error",
                "the key set is unavailable",
                headers={"Retry-After": "1"},
                retry_after=1,
            )
        if error is not None:
            response = render(self.runtime, error_reply(error, scope.get(REQUEST_ID)))
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


class QuietDrops(logging.Filter):
    """Keep uvicorn from logging a traceback for every injected connection drop."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, InjectedDrop)


# ---------------------------------------------------------------------- the pipeline


class Dispatcher:
    """Serves every contract operation from the handler table (501 where it has none)."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        # Logged here, once per emulator and operation, rather than per request: a suite
        # calling the operation many times should not drown in the same warning.
        for operation_id in runtime.unhandled_operations:
            op = runtime.contract.by_id[operation_id]
            log.warning(
                "the emulator has no handler for %s (%s %s): it answers 501 %s",
                operation_id,
                op.method.upper(),
                op.path,
                NOT_IMPLEMENTED,
            )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """ASGI entry: any method on any path outside the control surface lands here."""
        response = await self.handle(Request(scope, receive))
        await response(scope, receive, send)

    async def handle(self, request: Request) -> Response:
        """Serve one contract request; every failure becomes the error envelope."""
        request_id = str(request.scope.get(REQUEST_ID, ""))
        method = request.method.upper()
        path = request.scope["path"]
        op, path_params, path_known = self.runtime.contract.match(method, path)
        checked = True
        try:
            reply = await self._serve(request, request_id, op, path_params, path_known)
        except NoHandler as error:
            reply = error_reply(error, request_id)
            checked = False
        except ApiError as error:
            reply = error_reply(error, request_id)
        except Exception:
            log.exception("emulator handler failed")
            failure = ApiError(500, "server_error", "internal emulator error")
            reply = error_reply(failure, request_id)
        return render(self.runtime, reply, op, checked=checked)

    async def _serve(
        self,
        request: Request,
        request_id: str,
        op: Operation | None,
        raw_path_params: dict[str, str],
        path_known: bool,
    ) -> Reply:
        runtime = self.runtime
        store = runtime.store
        method = request.method.upper()
        path = request.scope["path"]
        client_ip = request.client.host if request.client is not None else "unknown"
        token = bearer(request.headers.get("authorization"))
        forwarded_ip = trusted_forwarded_ip(store, token, request.headers)
        # Before any validation or handler work, but after the bearer is known: the key is
        # the end user's IP only when a partner backend vouches for it, else the peer's.
        wait = runtime.limiter.take(forwarded_ip or client_ip)
        if wait is not None:
            raise ApiError(
                429,
                "rate_limited",
                "too many requests from this IP",
                headers={"Retry-After": str(wait)},
                retry_after=wait,
            )
        if op is None:
            if path_known:
                raise ApiError(
                    405,
                    "method_not_allowed",
                    f"{method} is not allowed on {path}",
                    headers={"Allow": ", ".join(runtime.contract.methods_at(path))},
                )
            raise not_found(f"no route {path}")
        route = ROUTES.get(op.operation_id)
        if route is None:
            # Before validation and authentication: without a handler there is nothing to
            # judge the request for, so every request to the operation gets the same 501.
            raise NoHandler(op.operation_id)
        path_params, query, headers = self._parameters(op, request, raw_path_params)
        body = await self._body(op, request, route.field_codes)
        principal = authenticate(store, op, token)
        if principal is None and not op.anonymous:
            raise unauthorized("a valid, unexpired access token is required")
        call = Call(
            store=store,
            op=op,
            path=path_params,
            query=query,
            headers=headers,
            body=body,
            principal=principal,
            client_ip=client_ip,
            request_id=request_id,
            bearer=token,
            forwarded_ip=forwarded_ip,
        )
        idem_key = request.headers.get("idempotency-key") if method == "POST" else None
        scope: tuple[str, str, str, str] | None = None
        fingerprint = ""
        if idem_key:
            identity = principal.identity if principal is not None else f"ip:{client_ip}"
            scope = (identity, method, path, idem_key)
            fingerprint = hashlib.sha256(json_bytes(body) if body is not None else b"").hexdigest()
            try:
                remembered = runtime.idempotency.lookup(scope, fingerprint)
            except KeyReused:
                # 409 where the contract lists it; the two keyed operations that list no
                # 409 (create_api_key, issue_otp) get the documented 400 instead.
                status = 409 if op.documents(409) else 400
                raise ApiError(
                    status,
                    "idempotency_key_reused",
                    "this Idempotency-Key was used with a different request body",
                ) from None
            if remembered is not None:
                headers_out = dict(remembered.headers)
                headers_out["Idempotent-Replayed"] = "true"
                # The handler's answer, rendered again: shaped for the profile of now.
                body = json.loads(remembered.body) if remembered.body else None
                return Reply(remembered.status, body, headers_out, remembered.shape)
        # From the idempotency lookup to remembering the answer nothing awaits, so on the one
        # event loop two requests with the same key cannot interleave and both create.
        with store.lock:
            reply = route.handler(call)
        if scope is not None and 200 <= reply.status < 300:
            raw = json_bytes(reply.body) if reply.body is not None else b""
            runtime.idempotency.remember(
                scope, fingerprint, reply.status, raw, reply.headers, reply.shape
            )
        return reply

    @staticmethod
    def _parameters(
        op: Operation, request: Request, raw_path: dict[str, str]
    ) -> tuple[dict[str, str], dict[str, Any], dict[str, str]]:
        path: dict[str, str] = {}
        query: dict[str, Any] = {}
        headers = {k.lower(): v for k, v in request.headers.items()}
        for param in op.parameters:
            try:
                if param.location == "path":
                    value = raw_path.get(param.name, "")
                    param.check(value)
                    path[param.name] = value
                elif param.location == "query":
                    raw = request.query_params.getlist(param.name)
                    if not raw:
                        if param.required:
                            raise InputError("query", f"query parameter {param.name!r} is required")
                        continue
                    coerced = param.coerce(raw)
                    param.check(coerced)
                    query[param.name] = coerced
                elif param.location == "header":
                    header = request.headers.get(param.name)
                    if header is None:
                        if param.required:
                            raise InputError("header", f"header {param.name!r} is required")
                        continue
                    param.check(header)
            except InputError as exc:
                if exc.where == "path" and not op.documents(400):
                    # Operations that document no 400 only take ids in the path: a value
                    # outside the id schema names nothing, so it is "not found".
                    raise not_found("no such resource") from None
                raise bad_request(exc.message) from None
        return path, query, headers

    @staticmethod
    async def _body(op: Operation, request: Request, field_codes: dict[str, str] | Any) -> Any:
        if op.body_validator is None and not op.body_required:
            return None
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > MAX_BODY:
            raise bad_request(f"the body exceeds {MAX_BODY} bytes")
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size <= MAX_BODY:
                chunks.append(chunk)
        if size > MAX_BODY:
            raise bad_request(f"the body exceeds {MAX_BODY} bytes")
        raw = b"".join(chunks)
        if not raw.strip():
            if op.body_required:
                raise bad_request("a JSON body is required")
            return None
        try:
            body = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
        except (ValueError, UnicodeDecodeError):
            raise bad_request("the body is not valid JSON") from None
        try:
            op.check_body(body)
        except InputError as exc:
            code = field_codes.get(exc.field, "bad_request") if exc.field else "bad_request"
            raise bad_request(exc.message, code) from None
        return body


def trusted_forwarded_ip(store: Store, token: str | None, headers: Mapping[str, str]) -> str | None:
    """``X-On-Behalf-Of-IP`` if the issuer believes it, else None.

    Only a partner backend (BFF: a caller with a live platform access token) may speak for
    its end users' IPs. From anyone else (no bearer, a user's access token, a dead
    platform token) the header is ignored, so rotating it cannot dodge the per-IP limits.
    """
    forwarded = headers.get("x-on-behalf-of-ip")
    if not forwarded or not is_platform_token(store, token):
        return None
    return forwarded


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def build_app(runtime: Runtime, control_routes: list[Route] | None = None) -> Starlette:
    """The Starlette application serving the contract (and the control surface, if given)."""
    dispatcher = Dispatcher(runtime)
    routes: list[Route | Mount] = []
    if control_routes:
        routes.append(Mount(CONTROL_PREFIX, routes=list(control_routes)))
    app = Starlette(
        routes=routes,
        middleware=[Middleware(RequestIdMiddleware), Middleware(FaultMiddleware, runtime=runtime)],
    )
    # The router's default rather than a route or a catch-all mount: a route only answers
    # the methods it lists, and Starlette's path patterns stop at a newline, so a path with
    # %0A in it would get a plain-text 404. Every method on every path must get the envelope.
    app.router.default = dispatcher
    return app
