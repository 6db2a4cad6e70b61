"""OpenTelemetry traces and metrics (issue 17): the one home of what the SDK emits.

Everything here is lazy. ``opentelemetry`` is imported on the first instrumented call, never
with ``realmid``; when it is not importable every helper is a no-op costing one global read.
With ``opentelemetry-api`` installed the SDK emits through the global providers the
application sets (no opt-in call): the tracer and the meter are both named ``realmid``.

What is emitted (``docs/observability.md`` is the reference):

- a CLIENT span per facade call, ``realmid.<resource>.<method>``, named by the resource
  method that runs it (:func:`traced`), opened around the generated operation
  (:func:`call`); the API call duration histogram goes with it;
- the platform-token flow (:func:`token_span`), the JWKS fetch (:func:`jwks_fetch`), the
  Redis revocation round trip (:func:`revocation_span`), ``realmid.verify`` when a verify
  needs I/O (:func:`verify_span`);
- W3C ``traceparent`` on every request to the issuer (:func:`inject`);
- the verify histogram (:func:`verify_done`) and the counters (:func:`count`, and the
  in-process tallies behind two observable counters: :func:`revocation_checked`,
  :func:`middleware_decision`).

**Never a secret.** Attributes are fixed names with values the SDK chooses: ids (realm,
operation, request), HTTP statuses, taxonomy codes, outcomes. No exception message is
recorded (an issuer's message is not ours to vouch for), only the error code; no header,
body, token, key, OTP or cookie is ever read here.

**The verify hot path.** A cache-hit verify creates no span. It tests ``_mi`` (two attribute
reads, no call): unless a meter provider is set it reads no clock and records nothing.
"""

from __future__ import annotations

import contextvars
import functools
import inspect
import threading
import time
import types
from collections.abc import Callable, Coroutine, Iterator, MutableMapping
from contextlib import contextmanager
from typing import Any, Final, TypeVar

C = TypeVar("C", bound=type)
T = TypeVar("T")

TRACER_NAME: Final = "realmid"
METER_NAME: Final = "realmid"

# Span and metric names (one list; the docs and tests name the same strings). Names only:
# none of them holds a credential.
VERIFY_SPAN: Final = "realmid.verify"
JWKS_SPAN: Final = "realmid.jwks.fetch"
REVOCATION_SPAN: Final = "realmid.revocation.check"
TOKEN_MINT_SPAN: Final = "realmid.token.mint"  # noqa: S105
TOKEN_REFRESH_SPAN: Final = "realmid.token.refresh"  # noqa: S105
TOKEN_REMINT_SPAN: Final = "realmid.token.remint"  # noqa: S105

CALL_DURATION: Final = "realmid.client.duration"
VERIFY_DURATION: Final = "realmid.verify.duration"
JWKS_FETCHES: Final = "realmid.jwks.fetches"
TOKEN_REQUESTS: Final = "realmid.token.requests"  # noqa: S105
REVOCATION_CHECKS: Final = "realmid.revocation.checks"
MIDDLEWARE_DECISIONS: Final = "realmid.middleware.decisions"

# Attribute names.
REALM_ID: Final = "realmid.realm_id"
OPERATION: Final = "realmid.operation"
REQUEST_ID: Final = "realmid.request_id"
ERROR_CODE: Final = "realmid.error.code"
OUTCOME: Final = "realmid.outcome"
STATUS: Final = "http.response.status_code"
GRANT: Final = "realmid.token.grant"
BACKEND: Final = "realmid.revocation.backend"
SOURCE: Final = "realmid.revocation.source"
DECISION: Final = "realmid.decision"
SUB: Final = "enduser.id"
TENANT_ID: Final = "realmid.tenant_id"

# The span name of the facade call running in this context ("realmid.tenants.create").
_operation: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "realmid_operation", default=None
)


class _Otel:
    """The loaded API: the tracer, the instruments, and the pieces the helpers use."""

    def __init__(self) -> None:
        from opentelemetry import context, metrics, propagate, trace
        from opentelemetry.metrics import _internal as metrics_internal
        from opentelemetry.trace import SpanKind, Status, StatusCode

        from realmid._version import __version__

        self.context = context
        self.trace = trace
        self.propagate = propagate
        # Its _METER_PROVIDER (None until the application sets one) tells the hot-path hooks
        # whether to record; an API without it counts as "always set".
        self.metrics_internal: Any = (
            metrics_internal
            if hasattr(metrics_internal, "_METER_PROVIDER")
            else types.SimpleNamespace(_METER_PROVIDER=True)
        )
        # Likewise _TRACER_PROVIDER: None until the application sets a global tracer
        # provider. Until then no span records, and the middleware does not look for one.
        self.trace_internal: Any = (
            trace
            if hasattr(trace, "_TRACER_PROVIDER")
            else types.SimpleNamespace(_TRACER_PROVIDER=True)
        )
        self.client = SpanKind.CLIENT
        self.internal = SpanKind.INTERNAL
        self._status = (Status, StatusCode.ERROR)
        self.tracer = trace.get_tracer(TRACER_NAME, __version__)
        meter = metrics.get_meter(METER_NAME, __version__)
        self.call_duration = meter.create_histogram(
            CALL_DURATION, unit="s", description="Duration of the SDK's calls to the issuer"
        )
        self.verify_duration = meter.create_histogram(
            VERIFY_DURATION, unit="s", description="Duration of access-token verifications"
        )
        self.counters = {
            JWKS_FETCHES: meter.create_counter(
                JWKS_FETCHES, unit="{fetch}", description="JWKS fetches by outcome"
            ),
            TOKEN_REQUESTS: meter.create_counter(
                TOKEN_REQUESTS,
                unit="{request}",
                description="Platform-token mints (api_key) and refreshes by outcome",
            ),
        }
        # On the hot path (every verify, every guarded request): tallied in-process and
        # reported by observable counters, so a check costs a dict update, not an add().
        self.revocation_checks = _Tally((BACKEND, SOURCE, OUTCOME))
        meter.create_observable_counter(
            REVOCATION_CHECKS,
            callbacks=[self.revocation_checks.observe],
            unit="{check}",
            description="Revocation checks by backend, source and outcome",
        )
        self.decisions = _Tally((OUTCOME,))
        meter.create_observable_counter(
            MIDDLEWARE_DECISIONS,
            callbacks=[self.decisions.observe],
            unit="{request}",
            description="Middleware guard decisions by outcome",
        )

    def error_status(self, code: str) -> Any:
        status, error = self._status
        return status(error, code)

    def metering(self) -> bool:
        """Whether the application has set a meter provider (else records go nowhere)."""
        return self.metrics_internal._METER_PROVIDER is not None


class _Tally:
    """Counts by attribute values, kept in-process; an observable counter reports them."""

    def __init__(self, names: tuple[str, ...]) -> None:
        self._names = names
        self._lock = threading.Lock()
        self._counts: dict[tuple[str, ...], int] = {}

    def add(self, key: tuple[str, ...]) -> None:
        with self._lock:
            self._counts[key] = self._counts.get(key, 0) + 1

    def observe(self, options: Any) -> list[Any]:
        from opentelemetry.metrics import Observation

        with self._lock:
            counts = list(self._counts.items())
        return [Observation(n, dict(zip(self._names, key, strict=True))) for key, n in counts]


_OK: Final = {OUTCOME: "ok"}
_UNLOADED: Final = object()
_state: Any = _UNLOADED
# The loaded API once a meter provider is set (a provider is never unset): the hot-path
# hooks test this one global first.
_meter: _Otel | None = None
# The hot paths' test, with no call in it: ``_mi is not None and _mi._METER_PROVIDER is not
# None`` says a meter provider is set. None while OpenTelemetry is absent or not yet loaded;
# the verifiers and the memory revocation cache load it when they are built (:func:`load`).
_mi: Any = None
# Likewise ``_ti._TRACER_PROVIDER`` for traces (the guard's hit path tests both inline).
_ti: Any = None


def _metering() -> _Otel | None:
    """The loaded API when metrics go somewhere (OpenTelemetry present, a provider set)."""
    global _meter
    o = _meter
    if o is not None:
        return o
    o = _state
    if o is _UNLOADED:
        o = otel()
    if o is None or not o.metering():
        return None
    _meter = o
    return o


def otel() -> _Otel | None:
    """The loaded OpenTelemetry API, or None when it is not importable (checked once)."""
    global _state
    state = _state
    if state is _UNLOADED:
        try:
            state = _Otel()
        except ImportError:
            state = None
        _state = state
        global _mi, _ti
        _mi = None if state is None else state.metrics_internal
        _ti = None if state is None else state.trace_internal
    return state  # type: ignore[no-any-return]


def load() -> None:
    """Load the API now (if importable), so the hot-path tests of ``_mi`` can see it: the
    verifiers and the memory revocation cache call this when built."""
    otel()


def verify_done(start: float, outcome: str) -> None:
    """Record one verify in ``realmid.verify.duration`` (the caller tested ``_mi``)."""
    o = _metering()
    if o is not None:
        attributes = _OK if outcome == "ok" else {OUTCOME: outcome}
        o.verify_duration.record(time.perf_counter() - start, attributes)


# -- naming: realmid.<resource>.<method> ------------------------------------------------------


def traced(resource: str) -> Callable[[C], C]:
    """Class decorator: every public method of a resource namespace names the calls it makes
    ``realmid.<resource>.<method>``. The name rides a context variable that :func:`call`
    reads; methods that return a paginator hand it over when the paginator is built."""

    def decorate(cls: C) -> C:
        for attr, value in list(vars(cls).items()):
            if attr.startswith("_") or not inspect.isfunction(value):
                continue
            setattr(cls, attr, named(f"realmid.{resource}.{attr}")(value))
        return cls

    return decorate


F = TypeVar("F", bound=Callable[..., Any])


def named(span_name: str) -> Callable[[F], F]:
    """Method decorator: calls made inside it are spans named ``span_name``."""

    def decorate(fn: F) -> F:
        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                reset = _operation.set(span_name)
                try:
                    return await fn(*args, **kwargs)
                finally:
                    _operation.reset(reset)

            return run_async  # type: ignore[return-value]

        @functools.wraps(fn)
        def run(*args: Any, **kwargs: Any) -> Any:
            reset = _operation.set(span_name)
            try:
                return fn(*args, **kwargs)
            finally:
                _operation.reset(reset)

        return run  # type: ignore[return-value]

    return decorate


def current_name() -> str | None:
    """The span name of the facade method running now (a paginator keeps it)."""
    return _operation.get()


@contextmanager
def naming(span_name: str | None) -> Iterator[None]:
    """Within this block, calls are named ``span_name`` (a paginator's later page fetches)."""
    if span_name is None:
        yield
        return
    reset = _operation.set(span_name)
    try:
        yield
    finally:
        _operation.reset(reset)


def operation_id(op: Callable[..., Any]) -> str:
    """The OpenAPI operation id of a generated operation (its module's name)."""
    module = getattr(op, "__module__", "") or ""
    return module.rsplit(".", 1)[-1] or getattr(op, "__name__", "call")


# -- spans --------------------------------------------------------------------------------------


class _Span:
    """A started span made current; ends (and is detached) on ``__exit__``.

    A RealmError leaving the block sets status ERROR (description: the taxonomy code) and
    ``realmid.error.code``; any other exception only ``error.type`` (its class name). No
    exception message is recorded.
    """

    __slots__ = ("_attrs", "_histogram", "_otel", "_span", "_start", "_token")

    def __init__(self, otel: _Otel, span: Any, histogram: Any = None) -> None:
        self._otel = otel
        self._span = span
        self._token = otel.context.attach(otel.trace.set_span_in_context(span))
        self._histogram = histogram
        self._attrs: dict[str, Any] = {}
        self._start = time.perf_counter() if histogram is not None else 0.0

    def __enter__(self) -> _Span:
        return self

    def set(self, key: str, value: Any) -> None:
        if value is not None:
            self._span.set_attribute(key, value)

    def metric(self, key: str, value: Any) -> None:
        """An attribute of both the span and the duration data point."""
        if value is not None:
            self._span.set_attribute(key, value)
            self._attrs[key] = value

    def answer(self, status: int, request_id: str | None) -> None:
        self.metric(STATUS, int(status))
        self.set(REQUEST_ID, request_id)

    def fail(self, code: str, status: int = 0, request_id: str | None = None) -> None:
        self._span.set_status(self._otel.error_status(code))
        self._span.set_attribute(ERROR_CODE, code)
        self._span.set_attribute("error.type", code)
        self._attrs[ERROR_CODE] = code
        if status:
            self.metric(STATUS, int(status))  # a plain int, never an HTTPStatus
        self.set(REQUEST_ID, request_id)

    def __exit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> None:
        try:
            if exc is not None:
                from realmid.errors import RealmError

                if isinstance(exc, RealmError):
                    self.fail(str(exc.code), exc.http_status, exc.request_id)
                elif not isinstance(exc, GeneratorExit):
                    name = type(exc).__name__
                    self._span.set_status(self._otel.error_status(name))
                    self._span.set_attribute("error.type", name)
                    self._attrs["error.type"] = name
            if self._histogram is not None:
                self._histogram.record(time.perf_counter() - self._start, self._attrs)
        finally:
            self._span.end()
            # otel's detach logs (never raises) a token from another context (a generator
            # closed elsewhere)
            self._otel.context.detach(self._token)


class _NoSpan:
    """The span helpers' answer when OpenTelemetry is absent: every method does nothing."""

    __slots__ = ()

    def __enter__(self) -> _NoSpan:
        return self

    def __exit__(self, *_: Any) -> None:
        return None

    def set(self, key: str, value: Any) -> None:
        return None

    def metric(self, key: str, value: Any) -> None:
        return None

    def answer(self, status: int, request_id: str | None) -> None:
        return None

    def fail(self, code: str, status: int = 0, request_id: str | None = None) -> None:
        return None


NO_SPAN: Final = _NoSpan()
Span = _Span | _NoSpan


def call(realm_id: str, op: Callable[..., Any] | str, span_name: str | None = None) -> Span:
    """The CLIENT span of one facade call, and its ``realmid.client.duration`` data point.

    ``op``: the generated operation, or the operation id itself (``realm.request``)."""
    o = otel()
    if o is None:
        return NO_SPAN
    oid = op if isinstance(op, str) else operation_id(op)
    name = span_name or _operation.get() or f"realmid.{oid}"
    span = o.tracer.start_span(name, kind=o.client, attributes={REALM_ID: realm_id, OPERATION: oid})
    result = _Span(o, span, o.call_duration if _metering() is not None else None)
    result.metric(OPERATION, oid)
    return result


def span(name: str, attributes: dict[str, Any] | None = None, *, client: bool = True) -> Span:
    """A span made current for the block (kind CLIENT unless ``client=False``)."""
    o = otel()
    if o is None:
        return NO_SPAN
    kind = o.client if client else o.internal
    return _Span(o, o.tracer.start_span(name, kind=kind, attributes=attributes))


def token_span(grant: str, realm_id: str, *, remint: bool = False) -> Span:
    """The span of one platform-token request: ``api_key`` (a mint) or ``refresh``."""
    name = TOKEN_REFRESH_SPAN if grant == "refresh" else TOKEN_MINT_SPAN
    return span(name, {REALM_ID: realm_id, GRANT: grant, "realmid.token.remint": remint})


def verify_span() -> Span:
    """``realmid.verify``: opened only when a verification needs I/O (keys to fetch)."""
    return span(VERIFY_SPAN, client=False)


def revocation_span(backend: str) -> Span:
    """The Redis round trip of a revocation check (near-cache hits get no span)."""
    return span(REVOCATION_SPAN, {BACKEND: backend, "db.system.name": "redis"})


def jwks_fetch(url: str) -> Span:
    return span(JWKS_SPAN, {"url.full": url})


# -- propagation ----------------------------------------------------------------------------


def inject(headers: MutableMapping[str, str]) -> None:
    """Write the current trace's W3C ``traceparent`` (and ``tracestate``) into ``headers``."""
    o = otel()
    if o is not None:
        o.propagate.inject(headers)


def carry(coro: Coroutine[Any, Any, T]) -> Coroutine[Any, Any, T]:
    """``coro`` run, on another thread's loop, inside the current trace context."""
    o = otel()
    if o is None:
        return coro
    captured = o.context.get_current()

    async def within() -> T:
        token = o.context.attach(captured)
        try:
            return await coro
        finally:
            o.context.detach(token)

    return within()


def carrier() -> dict[str, str]:
    """The current trace's propagation headers, for a request sent from another thread."""
    headers: dict[str, str] = {}
    inject(headers)
    return headers


# -- metrics ----------------------------------------------------------------------------------


def verify_histogram() -> Any:
    """``realmid.verify.duration``, or None when nothing would receive it (no OpenTelemetry,
    or no meter provider set): the caller then reads no clock at all."""
    o = _meter
    if o is None:
        state = _state
        if state is None or (
            state is not _UNLOADED and state.metrics_internal._METER_PROVIDER is None
        ):
            return None  # the common "off" answers, decided inline
        o = _metering()
        if o is None:
            return None
    return o.verify_duration


def count(name: str, attributes: dict[str, Any]) -> None:
    """Add one to the counter ``name`` (the rare events: fetches, token requests)."""
    o = _metering()
    if o is not None:
        o.counters[name].add(1, attributes)


def revocation_checked(backend: str, source: str, revoked: bool | None) -> None:
    """One revocation check: ``revoked``/``not_revoked``, or ``error`` (None)."""
    o = _meter
    if o is None:
        state = _state
        if state is None or (
            state is not _UNLOADED and state.metrics_internal._METER_PROVIDER is None
        ):
            return
        o = _metering()
        if o is None:
            return
    outcome = "error" if revoked is None else ("revoked" if revoked else "not_revoked")
    o.revocation_checks.add((backend, source, outcome))


def middleware_decision(outcome: str, claims: Any = None, user_attributes: bool = False) -> None:
    """The guard's decision: on the current (request) span and the decisions counter.

    ``sub``/``tenant_id`` go on the span only with ``user_attributes`` (PII: opt-in)."""
    o = _state
    if o is _UNLOADED:
        o = otel()
    if o is None:
        return
    # Every guarded request comes here: with the API installed but no provider set (common,
    # as a dependency of a dependency), two attribute reads and nothing else.
    if o.trace_internal._TRACER_PROVIDER is not None:
        current = o.trace.get_current_span()
        if current.is_recording():
            current.set_attribute(DECISION, outcome)
            if user_attributes and claims is not None:
                current.set_attribute(SUB, claims.sub)
                if claims.tenant_id:
                    current.set_attribute(TENANT_ID, claims.tenant_id)
    if o.metrics_internal._METER_PROVIDER is not None and _metering() is not None:
        o.decisions.add((outcome,))
