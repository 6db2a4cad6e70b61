"""The ASGI adapter: ``realm.asgi_middleware(app, options)`` (SPEC §10).

It wraps any ASGI app (Starlette, FastAPI, ...). Nothing here imports a framework; anyio
(an httpx dependency) is imported only when the sync face needs a worker thread.

- ``AsyncRealm.asgi_middleware``: the async flow, awaited on the server's event loop.
- ``Realm.asgi_middleware``: the sync flow, run in a worker thread
  (``anyio.to_thread.run_sync``) so the event loop never blocks on the issuer or the JWKS.

``http`` requests get the full treatment; a ``websocket`` handshake is guarded (a failure
closes it with code 1008, before accept, which the server answers with 403); ``lifespan``
passes through. Route paths are matched relative to ``root_path``.

Put a CORS middleware *outside* this one, so preflight requests (which carry no
``Authorization``) are answered before they reach the guard.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any

from realmid.errors import ErrorCode, RealmError
from realmid.middleware.claims import ASGI_STATE_KEY
from realmid.middleware.core import Guard, Handle, MiddlewareCore, Reply, RequestView

if TYPE_CHECKING:
    from realmid.middleware._async.flow import AsyncMiddlewareFlow
    from realmid.middleware._sync.flow import SyncMiddlewareFlow

__all__ = ["ASGIApp", "RealmASGIMiddleware", "view_of_scope"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def view_of_scope(
    scope: Scope, path: str | None = None, csrf_header: str | None = None
) -> RequestView:
    """The sans-IO view of an ASGI ``http`` / ``websocket`` scope.

    ``csrf_header``: the (lower-case) name of the options' CSRF header, whose value the
    view then holds.
    """
    mount = scope.get("root_path") or ""
    if path is None:
        path = _relative_path(scope, mount)
    authorization: str | None = None
    cookie: str | None = None
    content_type: str | None = None
    host: str | None = None
    origin: str | None = None
    fetch_site: str | None = None
    custom: str | None = None
    wanted = csrf_header.encode("latin-1") if csrf_header else None
    for name, value in scope.get("headers") or ():
        if name == b"authorization":
            # Two Authorization headers are ambiguous: joined, they fail as malformed.
            authorization = _joined(authorization, value)
        elif name == b"cookie":
            text = value.decode("latin-1")
            cookie = text if cookie is None else f"{cookie}; {text}"
        elif name == b"content-type":
            content_type = value.decode("latin-1")
        elif name == b"host":
            host = _joined(host, value)
        elif name == b"origin":
            origin = _joined(origin, value)
        elif name == b"sec-fetch-site":
            fetch_site = _joined(fetch_site, value)
        elif name == wanted:
            custom = _joined(custom, value)
    if host is None and scope.get("server"):
        server_host, server_port = scope["server"][0], scope["server"][1]
        host = f"{server_host}:{server_port}" if server_port is not None else server_host
    client = scope.get("client")
    return RequestView(
        method=scope.get("method", "GET"),
        path=path,
        mount=mount,
        authorization=authorization,
        cookie=cookie,
        content_type=content_type,
        client_ip=client[0] if client else None,
        scheme=scope.get("scheme") or "http",
        host=host,
        origin=origin,
        sec_fetch_site=fetch_site,
        csrf_header=custom,
    )


def _guard_view(scope: Scope, path: str, authorization: str | None) -> RequestView:
    """The view the guard reads: ``Authorization`` and the client's address (the MFA
    challenge names it). :func:`view_of_scope` reads what the handled routes need too."""
    client = scope.get("client")
    return RequestView(
        method=scope.get("method", "GET"),
        path=path,
        authorization=authorization,
        client_ip=client[0] if client else None,
    )


def _joined(previous: str | None, value: bytes) -> str:
    # A repeated header is joined: two Origins (or Hosts) then match nothing.
    text = value.decode("latin-1")
    return text if previous is None else f"{previous}, {text}"


def _relative_path(scope: Scope, mount: str) -> str:
    path: str = scope.get("path") or "/"
    if mount and path.startswith(mount):
        path = path[len(mount) :] or "/"
    return path


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers") or ():
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class RealmASGIMiddleware:
    """An ASGI app guarding ``app`` with a realm (build it with ``realm.asgi_middleware``)."""

    def __init__(self, app: ASGIApp, flow: AsyncMiddlewareFlow | SyncMiddlewareFlow) -> None:
        self.app = app
        self.flow = flow
        self._core: MiddlewareCore = flow.core
        self._native = inspect.iscoroutinefunction(flow.authenticate)
        self._hook = flow.core.options.on_auth_failure

    def __repr__(self) -> str:
        return f"{type(self).__name__}(app={self.app!r}, flow={self.flow!r})"

    async def _run(self, method: Callable[..., Any], *args: Any) -> Any:
        if self._native:
            return await method(*args)
        from anyio import to_thread  # the sync face only

        return await to_thread.run_sync(method, *args)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # The hot path of every guarded request, kept to one frame where it can be: inside a
        # server each call and attribute read here comes in from a cold cache.
        kind = scope["type"]
        if kind == "http":
            method = scope.get("method", "GET")
        elif kind == "websocket":
            method = "GET"
        else:
            await self.app(scope, receive, send)
            return
        core = self._core
        mount = scope.get("root_path")
        path = _relative_path(scope, mount) if mount else (scope.get("path") or "/")
        decision = core.decisions.get((method, path)) or core.decide(method, path)
        if type(decision) is not Guard:
            if isinstance(decision, Handle):
                view = view_of_scope(scope, path, core.options.csrf_header)
                await self._handle(decision, view, scope, receive, send)
            else:
                await self.app(scope, receive, send)
            return
        authorization: str | None = None
        for name, value in scope.get("headers") or ():
            if name == b"authorization":
                text = value.decode("latin-1")
                # Two Authorization headers are ambiguous: joined, they fail as malformed.
                authorization = text if authorization is None else f"{authorization}, {text}"
        try:
            # A verify that needs no I/O runs inline on both faces: for the sync one a thread
            # hop per request would cost more than the verify itself, for the async one the
            # chain of awaits down to the verifier would (a quarter of the guard's cost).
            claims = self.flow.authenticate_local(authorization, decision.mfa)
            if claims is None:
                view = _guard_view(scope, path, authorization)
                claims = await self._run(self.flow.authenticate, view, decision.mfa)
        except RealmError as err:
            await self._refuse(err, scope, receive, send)
            return
        state = scope.get("state")
        if state is None:
            scope["state"] = state = {}
        state[ASGI_STATE_KEY] = claims
        await self.app(scope, receive, send)

    async def _handle(
        self, decision: Handle, view: RequestView, scope: Scope, receive: Receive, send: Send
    ) -> None:
        core = self._core
        limit = core.options.max_body_bytes
        if core.body_too_large(_content_length(scope)):
            reply = core.error_reply(
                RealmError(ErrorCode.BAD_REQUEST, f"request body larger than {limit} bytes", 400)
            )
        else:
            body = await _read_body(receive, limit)
            if body is None:
                return  # the client went away
            reply = await self._run(self.flow.handle, decision.route, view, body)
        await send_reply(send, reply)

    async def _refuse(self, err: RealmError, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await receive()  # websocket.connect
            await send({"type": "websocket.close", "code": 1008})
            return
        reply = self._core.error_reply(err)
        if self._hook is not None:
            answer = self._hook(self._core.hook_error(err, reply), scope)
            if inspect.isawaitable(answer):
                answer = await answer
            if answer is not None:
                await answer(scope, receive, send)
                return
        await send_reply(send, reply)


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The request body, or its first ``limit + 1`` bytes when longer; None on disconnect."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        chunks.append(chunk)
        if size > limit or not message.get("more_body", False):
            return b"".join(chunks)


async def send_reply(send: Send, reply: Reply) -> None:
    """Send a :class:`~realmid.middleware.core.Reply` as an ASGI response."""
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in reply.headers]
    if reply.status != 204:
        headers.append((b"content-length", str(len(reply.body)).encode()))
    await send({"type": "http.response.start", "status": reply.status, "headers": headers})
    await send({"type": "http.response.body", "body": reply.body})
