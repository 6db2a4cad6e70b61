"""The WSGI adapter: ``realm.wsgi_middleware(app, options)`` (SPEC §10).

It wraps any WSGI app (Flask, Django, ...); nothing here imports a framework.

- ``Realm.wsgi_middleware``: the sync flow, called on the server's worker thread.
- ``AsyncRealm.wsgi_middleware``: the async flow, run on a private event loop in a
  background daemon thread that the middleware starts on its first guarded request (and
  stops in :meth:`RealmWSGIMiddleware.close`). The AsyncRealm's HTTP client then belongs
  to that loop: use that handle for this middleware only, not from another event loop.

Route paths are matched against ``PATH_INFO``; ``SCRIPT_NAME`` prefixes the cookie path.
"""

from __future__ import annotations

import asyncio
import inspect
import threading
from collections.abc import Callable, Coroutine, Iterable
from typing import TYPE_CHECKING, Any, Protocol

from realmid import _telemetry
from realmid.errors import ErrorCode, RealmError
from realmid.middleware.claims import WSGI_ENVIRON_KEY
from realmid.middleware.core import Guard, Handle, MiddlewareCore, Reply, RequestView

if TYPE_CHECKING:
    from realmid.middleware._async.flow import AsyncMiddlewareFlow
    from realmid.middleware._sync.flow import SyncMiddlewareFlow

__all__ = ["RealmWSGIMiddleware", "WSGIApp", "view_of_environ"]

# PEP 3333: the environ is a dict (typeshed says so too), so Flask and Django apps fit.
Environ = dict[str, Any]


class StartResponse(Protocol):
    def __call__(
        self, status: str, headers: list[tuple[str, str]], exc_info: Any = ..., /
    ) -> Callable[[bytes], object]: ...


WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]


def view_of_environ(environ: Environ, csrf_header: str | None = None) -> RequestView:
    """The sans-IO view of a WSGI environ.

    ``csrf_header``: the name of the options' CSRF header, whose value the view then holds.
    """
    host = environ.get("HTTP_HOST")
    if not host and environ.get("SERVER_NAME"):
        port = environ.get("SERVER_PORT")
        host = f"{environ['SERVER_NAME']}:{port}" if port else environ["SERVER_NAME"]
    custom = None
    if csrf_header:
        custom = environ.get("HTTP_" + csrf_header.upper().replace("-", "_"))
    return RequestView(
        method=environ.get("REQUEST_METHOD", "GET"),
        path=environ.get("PATH_INFO") or "/",
        mount=environ.get("SCRIPT_NAME", ""),
        authorization=environ.get("HTTP_AUTHORIZATION"),
        cookie=environ.get("HTTP_COOKIE"),
        content_type=environ.get("CONTENT_TYPE"),
        client_ip=environ.get("REMOTE_ADDR") or None,
        scheme=environ.get("wsgi.url_scheme") or "http",
        host=host or None,
        origin=environ.get("HTTP_ORIGIN"),
        sec_fetch_site=environ.get("HTTP_SEC_FETCH_SITE"),
        csrf_header=custom,
    )


class _LoopThread:
    """A private event loop on a daemon thread, for the async face under WSGI."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def run(self, coro: Coroutine[Any, Any, Any]) -> Any:
        # The trace context rides along: the loop thread's spans belong to this request's.
        carried = _telemetry.carry(coro)
        return asyncio.run_coroutine_threadsafe(carried, self._ensure()).result()

    def _ensure(self) -> asyncio.AbstractEventLoop:
        loop = self._loop
        if loop is not None:
            return loop
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(
                    target=loop.run_forever, name="realmid-wsgi-loop", daemon=True
                )
                thread.start()
                self._loop, self._thread = loop, thread
            return self._loop

    @property
    def started(self) -> bool:
        return self._loop is not None

    def stop(self) -> None:
        with self._lock:
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
        if loop is None or thread is None:
            return
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()


def _content_length(environ: Environ) -> int | None:
    try:
        return int(environ.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None


def _read_body(environ: Environ, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of the body (PEP 3333: read CONTENT_LENGTH, no more)."""
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    length = _content_length(environ)
    if length is None:
        # Without a length only a server that terminates the input lets us read to EOF.
        return bytes(stream.read(limit + 1)) if environ.get("wsgi.input_terminated") else b""
    return bytes(stream.read(min(length, limit + 1)))


class RealmWSGIMiddleware:
    """A WSGI app guarding ``app`` with a realm (build it with ``realm.wsgi_middleware``)."""

    def __init__(self, app: WSGIApp, flow: AsyncMiddlewareFlow | SyncMiddlewareFlow) -> None:
        self.app = app
        self.flow = flow
        self._core: MiddlewareCore = flow.core
        self._loop = _LoopThread() if inspect.iscoroutinefunction(flow.authenticate) else None
        self._hook = flow.core.options.on_auth_failure

    def __repr__(self) -> str:
        return f"{type(self).__name__}(app={self.app!r}, flow={self.flow!r})"

    def _run(self, method: Callable[..., Any], *args: Any) -> Any:
        if self._loop is None:
            return method(*args)
        return self._loop.run(method(*args))

    def close(self) -> None:
        """Stop the private event loop of the async face (no-op on the sync face).

        The AsyncRealm's connections were opened on that loop and can only be closed there,
        so its HTTP client is closed first (``realm.aclose()``).
        """
        loop = self._loop
        if loop is None or not loop.started:
            return
        realm: Any = self.flow.realm
        loop.run(realm.aclose())
        loop.stop()

    def _handle(
        self, decision: Handle, environ: Environ, start_response: StartResponse
    ) -> Iterable[bytes]:
        core = self._core
        view = view_of_environ(environ, core.options.csrf_header)
        limit = core.options.max_body_bytes
        if core.body_too_large(_content_length(environ)):
            reply = core.error_reply(
                RealmError(ErrorCode.BAD_REQUEST, f"request body larger than {limit} bytes", 400)
            )
        else:
            body = _read_body(environ, limit)
            reply = self._run(self.flow.handle, decision.route, view, body)
        return respond(reply, start_response)

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        core = self._core
        method, path = environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO") or "/"
        # The memo read here: a frame less on every request (decide() fills it).
        decision = core.decisions.get((method, path)) or core.decide(method, path)
        if type(decision) is not Guard:
            if isinstance(decision, Handle):
                return self._handle(decision, environ, start_response)
            return self.app(environ, start_response)
        try:
            # Both faces first try the verify that needs no I/O, from the Authorization header
            # alone: on the async face a hop to its loop thread, on the sync face the full
            # request view and the chain of calls down to the verifier, would each cost
            # more than the verify itself. Only a miss that needs I/O goes the full way.
            claims = self.flow.authenticate_local(environ.get("HTTP_AUTHORIZATION"), decision.mfa)
            if claims is None:
                view = view_of_environ(environ, core.options.csrf_header)
                claims = self._run(self.flow.authenticate, view, decision.mfa)
        except RealmError as err:
            reply = core.error_reply(err)
            if self._hook is not None:
                answer = self._hook(core.hook_error(err, reply), environ)
                if answer is not None:
                    return answer(environ, start_response)  # type: ignore[no-any-return]
            return respond(reply, start_response)
        environ[WSGI_ENVIRON_KEY] = claims
        return self.app(environ, start_response)


def respond(reply: Reply, start_response: StartResponse) -> list[bytes]:
    """Answer a :class:`~realmid.middleware.core.Reply` through ``start_response``."""
    headers = list(reply.headers)
    if reply.status != 204:
        headers.append(("Content-Length", str(len(reply.body))))
    start_response(reply.status_line, headers)
    return [reply.body] if reply.body else []
