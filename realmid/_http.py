"""The transport under every request: retries (httpx-retries), one debug log line each.

Both faces of the client share it: :class:`RealmTransport` wraps an ``HTTPTransport`` for
``httpx.Client`` or an ``AsyncHTTPTransport`` for ``httpx.AsyncClient``. httpx-retries is
imported when the first transport is built, not with this module: it imports asyncio,
and ``from realmid import Realm`` (which needs only this module's names) should not.
"""

from __future__ import annotations

import logging
import time
import uuid
import zlib
from typing import TYPE_CHECKING, Any

import httpx

from realmid._config import DEFAULT_MAX_RESPONSE_BYTES, RetryPolicy
from realmid._version import __version__
from realmid.errors import ErrorCode, RealmError

if TYPE_CHECKING:
    from httpx_retries import Retry

USER_AGENT = f"realmid-python/{__version__}"
_RETRYABLE_METHODS = ("GET", "HEAD", "OPTIONS", "PUT", "DELETE")
# A request extension: this POST may be resent as it is (the platform-token grants: minting
# twice only yields two tokens), as one carrying an Idempotency-Key may.
REPEATABLE = "realmid.repeatable"
# A request extension: ``(max_bytes, deadline)`` for this one request, ``deadline`` on
# ``time.monotonic()`` (or None). The JWKS cache sets it, so its size cap and its one total
# deadline hold inside the retry loop too (every attempt, every chunk, every backoff).
BODY_LIMITS = "realmid.body_limits"


def _limits(request: httpx.Request, cap: int) -> tuple[int, float | None]:
    wanted = request.extensions.get(BODY_LIMITS)
    if wanted is None:
        return cap, None
    max_bytes, deadline = wanted
    return min(cap, int(max_bytes)), deadline


def _check_deadline(deadline: float | None) -> None:
    if deadline is not None and time.monotonic() >= deadline:
        # Not an httpx.TimeoutException: the retry loop must not try again past the deadline.
        raise RealmError(ErrorCode.NETWORK, "request deadline exceeded")


class _Capped:
    """Counts one response body against its cap, chunk by chunk: the raw bytes, and for a
    gzip/deflate body the decoded bytes too (a small compressed body must not inflate past
    the cap in the client). The inflated bytes are counted in bounded steps and dropped;
    decoding proper stays the client's. Other encodings are bounded by their raw size.
    """

    def __init__(self, response: httpx.Response, cap: int, deadline: float | None) -> None:
        self._status = response.status_code
        self._cap = cap
        self._deadline = deadline
        self._size = 0
        self.chunks: list[bytes] = []
        self._decoded = 0
        length = response.headers.get("content-length", "")
        if length.isdigit() and int(length) > cap:
            raise self._too_large()
        encoding = response.headers.get("content-encoding", "").strip().lower()
        self._inflate: Any = None
        if encoding in ("gzip", "x-gzip"):
            self._inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._inflate = zlib.decompressobj()

    def _too_large(self) -> RealmError:
        return RealmError(
            ErrorCode.SERVER_ERROR,
            f"response body larger than {self._cap} bytes (HTTP {self._status})",
            self._status,
        )

    def add(self, chunk: bytes) -> None:
        _check_deadline(self._deadline)
        self._size += len(chunk)
        if self._size > self._cap:
            raise self._too_large()
        self.chunks.append(chunk)
        if self._inflate is not None:
            self._count_decoded(chunk)

    def _count_decoded(self, data: bytes) -> None:
        try:
            while data:
                out = self._inflate.decompress(data, self._cap - self._decoded + 1)
                self._decoded += len(out)
                if self._decoded > self._cap:
                    raise self._too_large()
                data = self._inflate.unconsumed_tail
        except zlib.error:
            self._inflate = None  # not what it claims: the client's decoder will say so


def _retry(policy: RetryPolicy, methods: tuple[str, ...]) -> Retry:
    from httpx_retries import Retry

    return Retry(
        total=policy.max_retries,
        allowed_methods=methods,
        backoff_factor=policy.backoff_factor,
        max_backoff_wait=policy.max_backoff,
        total_timeout=policy.total_timeout,
        respect_retry_after_header=True,
    )


def new_idempotency_key() -> str:
    """A fresh ``Idempotency-Key`` for one creating POST: the retries of that request reuse
    it (:class:`RealmTransport` retries a POST only when it carries one), so the server
    creates the thing once."""
    return str(uuid.uuid4())


class _Buffered(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Reads each body inside the transport, so a connection cut mid-body is retryable.

    Left to the client, the body is read after the retry loop has returned, and a reset
    there would escape it. The raw (still encoded) bytes are kept, so decoding happens once,
    in the client, as usual. Bodies here are small JSON documents, and each is read
    chunk by chunk against ``max_bytes`` (raw bytes): a body over it is a ``server_error``
    with the answer's real status, and is never held whole in memory.
    """

    def __init__(
        self,
        inner: httpx.BaseTransport | httpx.AsyncBaseTransport,
        max_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        self._inner = inner
        self._max_bytes = max_bytes

    @staticmethod
    def _rebuild(response: httpx.Response, raw: bytes) -> httpx.Response:
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            stream=httpx.ByteStream(raw),
            extensions=response.extensions,
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(self._inner, httpx.BaseTransport)
        cap, deadline = _limits(request, self._max_bytes)
        _check_deadline(deadline)
        response = self._inner.handle_request(request)
        try:
            body = _Capped(response, cap, deadline)
            for chunk in response.iter_raw():
                body.add(chunk)
        finally:
            response.close()
        return self._rebuild(response, b"".join(body.chunks))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(self._inner, httpx.AsyncBaseTransport)
        cap, deadline = _limits(request, self._max_bytes)
        _check_deadline(deadline)
        response = await self._inner.handle_async_request(request)
        try:
            body = _Capped(response, cap, deadline)
            async for chunk in response.aiter_raw():
                body.add(chunk)
        finally:
            await response.aclose()
        return self._rebuild(response, b"".join(body.chunks))

    def close(self) -> None:
        if isinstance(self._inner, httpx.BaseTransport):
            self._inner.close()

    async def aclose(self) -> None:
        if isinstance(self._inner, httpx.AsyncBaseTransport):
            await self._inner.aclose()


class RealmTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Retries idempotent requests, POSTs that carry an ``Idempotency-Key``, and the
    platform-token grants (marked :data:`REPEATABLE`).

    Any other POST is sent once: the server may have acted on it before the failure, and a
    blind retry could create things twice.
    """

    def __init__(
        self,
        transport: httpx.BaseTransport | httpx.AsyncBaseTransport,
        policy: RetryPolicy,
        logger: logging.Logger,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        from httpx_retries import RetryTransport

        self._inner = RetryTransport(
            transport=_Buffered(transport, max_response_bytes),
            retry=_retry(policy, _RETRYABLE_METHODS),
        )
        self._post_retry = _retry(policy, (*_RETRYABLE_METHODS, "POST"))
        self._logger = logger

    def _prepare(self, request: httpx.Request) -> float:
        if request.method == "POST" and (
            "idempotency-key" in request.headers or request.extensions.get(REPEATABLE)
        ):
            request.extensions.setdefault("retry", self._post_retry)
        return time.perf_counter()

    def _log(
        self,
        request: httpx.Request,
        started: float,
        response: httpx.Response | None,
        exc: Exception | None,
    ) -> None:
        if not self._logger.isEnabledFor(logging.DEBUG):
            return
        retry = response.extensions.get("retry") if response is not None else None
        retries = getattr(retry, "attempts_made", 0)  # an httpx_retries.Retry, or nothing
        outcome = str(response.status_code) if response is not None else type(exc).__name__
        # Path only: never headers or bodies, which carry tokens, keys and OTP values.
        self._logger.debug(
            "realmid: %s %s -> %s in %.1f ms (retries=%d)",
            request.method,
            request.url.path,
            outcome,
            (time.perf_counter() - started) * 1000,
            retries,
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        started = self._prepare(request)
        try:
            response = self._inner.handle_request(request)
        except Exception as exc:
            self._log(request, started, None, exc)
            raise
        self._log(request, started, response, None)
        return response

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        started = self._prepare(request)
        try:
            response = await self._inner.handle_async_request(request)
        except Exception as exc:
            self._log(request, started, None, exc)
            raise
        self._log(request, started, response, None)
        return response

    def close(self) -> None:
        self._inner.close()

    async def aclose(self) -> None:
        await self._inner.aclose()
