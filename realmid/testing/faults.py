"""Fault injection: latency, scripted 5xx, raw non-envelope answers, drops, a JWKS outage."""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass
from typing import Any

# What a proxy in front of the issuer answers when the issuer is down (nginx's own page).
PROXY_HTML = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    b"</body>\r\n</html>\r\n"
)
# What Go's net/http answers for a path no handler serves (http.NotFound).
GO_NOT_FOUND = b"404 page not found\n"
TEXT_PLAIN = "text/plain; charset=utf-8"


@dataclass(frozen=True)
class RawAnswer:
    """A scripted answer sent as it is: no envelope, no profile, no contract self-check."""

    status: int
    body: bytes
    content_type: str | None


# The named raw answers: what each preset method sends (the status may be overridden).
PRESETS: dict[str, RawAnswer] = {
    "proxy_html": RawAnswer(502, PROXY_HTML, "text/html"),
    "go_not_found": RawAnswer(404, GO_NOT_FOUND, TEXT_PLAIN),
    "codeless_json": RawAnswer(500, b'{"error":"boom"}', "application/json"),
    "empty_body": RawAnswer(503, b"", None),
}


@dataclass
class FaultRule:
    """A scripted failure for the next ``remaining`` matching requests.

    ``kind`` is ``fail`` (a 5xx envelope), ``drop`` (a cut-off response) or ``answer``
    (``raw``, sent as it is).
    """

    kind: str
    remaining: int
    status: int = 503
    path_prefix: str | None = None
    retry_after: int | None = None
    raw: RawAnswer | None = None

    def matches(self, path: str) -> bool:
        """Whether the rule applies to a request for ``path``."""
        return self.remaining > 0 and (
            self.path_prefix is None or path.startswith(self.path_prefix)
        )


def _raw_body(body: str | bytes) -> bytes:
    return body.encode("utf-8") if isinstance(body, str) else bytes(body)


def _check_count(count: int) -> None:
    if count < 1:
        raise ValueError("count must be at least 1")


class Faults:
    """The switches a test flips to see how a client copes (``emu.faults``).

    Faults apply to contract routes only, never to the ``/_emulator`` control surface.
    """

    def __init__(self, lock: threading.RLock) -> None:
        self._lock = lock
        self._latency = 0.0
        self._jwks_outage = False
        self._rules: list[FaultRule] = []

    @property
    def latency(self) -> float:
        """Seconds every contract request waits before being served."""
        with self._lock:
            return self._latency

    @latency.setter
    def latency(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("latency cannot be negative")
        with self._lock:
            self._latency = float(seconds)

    @property
    def jwks_outage(self) -> bool:
        """While True, ``/.well-known/jwks.json`` answers 503."""
        with self._lock:
            return self._jwks_outage

    @jwks_outage.setter
    def jwks_outage(self, on: bool) -> None:
        with self._lock:
            self._jwks_outage = bool(on)

    def fail_next(
        self,
        count: int = 1,
        *,
        status: int = 503,
        path_prefix: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        """The next ``count`` requests (under ``path_prefix``) answer ``status`` (a 5xx)."""
        if not 500 <= status <= 599:
            raise ValueError("fail_next injects server errors: status must be 5xx")
        _check_count(count)
        with self._lock:
            self._rules.append(FaultRule("fail", count, status, path_prefix, retry_after))

    def drop_next(self, count: int = 1, *, path_prefix: str | None = None) -> None:
        """The next ``count`` requests get a response cut off mid-body (connection closed)."""
        _check_count(count)
        with self._lock:
            self._rules.append(FaultRule("drop", count, path_prefix=path_prefix))

    # ------------------------------------------------------------------ raw answers

    def answer_next(
        self,
        status: int,
        body: str | bytes,
        *,
        content_type: str | None = TEXT_PLAIN,
        count: int = 1,
        path_prefix: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        """The next ``count`` requests answer ``status`` (4xx/5xx) with ``body`` as it is.

        Not the error envelope, and not checked against the contract: this is what a proxy,
        a load balancer or a misrouted Go server answers. ``content_type=None`` sends no
        Content-Type; ``retry_after`` sets a ``Retry-After`` header.
        """
        if not 400 <= status <= 599:
            raise ValueError("answer_next injects error answers: status must be 4xx or 5xx")
        if retry_after is not None and retry_after < 0:
            raise ValueError("retry_after cannot be negative")
        _check_count(count)
        raw = RawAnswer(status, _raw_body(body), content_type)
        with self._lock:
            self._rules.append(
                FaultRule("answer", count, status, path_prefix, retry_after, raw=raw)
            )

    def answer_preset_next(
        self,
        name: str,
        count: int = 1,
        *,
        status: int | None = None,
        path_prefix: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        """:meth:`answer_next` with the body and content type of the preset ``name``.

        The presets are ``proxy_html``, ``go_not_found``, ``codeless_json`` and
        ``empty_body`` (see :data:`PRESETS`); ``status`` overrides the preset's.
        """
        preset = PRESETS.get(name)
        if preset is None:
            raise ValueError(f"unknown preset {name!r}: expected one of {', '.join(PRESETS)}")
        self.answer_next(
            preset.status if status is None else status,
            preset.body,
            content_type=preset.content_type,
            count=count,
            path_prefix=path_prefix,
            retry_after=retry_after,
        )

    def proxy_html_next(
        self,
        count: int = 1,
        *,
        status: int = 502,
        path_prefix: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        """A proxy's HTML error page (``text/html``, nginx's 502 Bad Gateway by default)."""
        self.answer_preset_next(
            "proxy_html", count, status=status, path_prefix=path_prefix, retry_after=retry_after
        )

    def go_not_found_next(self, count: int = 1, *, path_prefix: str | None = None) -> None:
        """Go's plain-text ``404 page not found`` (a route the server does not have)."""
        self.answer_preset_next("go_not_found", count, path_prefix=path_prefix)

    def codeless_json_next(
        self,
        count: int = 1,
        *,
        status: int = 500,
        path_prefix: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        """JSON without ``code``/``message`` (``{"error":"boom"}``)."""
        self.answer_preset_next(
            "codeless_json", count, status=status, path_prefix=path_prefix, retry_after=retry_after
        )

    def empty_body_next(
        self,
        count: int = 1,
        *,
        status: int = 503,
        path_prefix: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        """An empty body, with no Content-Type."""
        self.answer_preset_next(
            "empty_body", count, status=status, path_prefix=path_prefix, retry_after=retry_after
        )

    # ------------------------------------------------------------------ bookkeeping

    def clear(self) -> None:
        """Switch every fault off."""
        with self._lock:
            self._latency = 0.0
            self._jwks_outage = False
            self._rules.clear()

    def pending(self) -> int:
        """How many scripted failures are still to be served."""
        with self._lock:
            return sum(rule.remaining for rule in self._rules)

    def take(self, path: str) -> FaultRule | None:
        """Consume one scripted failure for ``path``, if any applies (first scripted first)."""
        with self._lock:
            for rule in self._rules:
                if rule.matches(path):
                    rule.remaining -= 1
                    taken = dataclasses.replace(rule, remaining=1)
                    self._rules = [r for r in self._rules if r.remaining > 0]
                    return taken
            return None

    def snapshot(self) -> dict[str, Any]:
        """The current switches, for the control surface."""
        with self._lock:
            return {
                "latency": self._latency,
                "jwks_outage": self._jwks_outage,
                "scripted": [
                    {
                        "kind": r.kind,
                        "remaining": r.remaining,
                        "status": r.status,
                        "path_prefix": r.path_prefix,
                    }
                    for r in self._rules
                ],
            }
