"""Validated, immutable configuration of a realm handle."""

from __future__ import annotations

import ipaddress
import logging
import os
import re
import ssl
from collections.abc import Callable, Iterable, Mapping
from datetime import timedelta
from typing import Any

import attrs
import httpx

from realmid._inputs import duration
from realmid.errors import BadRequestError
from realmid.revocation import AsyncRevocationCache, RevocationCache

DEFAULT_BASE_URL = "https://auth.realmid.dev"
# Every API answer is a small JSON document; this only stops a broken or hostile server
# from filling memory.
DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024
# Connection pool of the client a handle builds. httpx keeps only 20 idle connections by
# default: 100 threads sharing one handle would open up to 80 new ones on every burst after
# the first. Keeping as many as may be open lets a burst reuse the last one's connections.
DEFAULT_MAX_CONNECTIONS = 100
DEFAULT_MAX_KEEPALIVE_CONNECTIONS = 100

_REALM_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,127}")
_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})


def _leeway(value: float | timedelta) -> float:
    return duration(value, "leeway")


def _timeout(value: float | timedelta) -> float:
    return duration(value, "timeout")


def _refresh_buffer(value: float | timedelta) -> float:
    return duration(value, "token_refresh_buffer")


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a URL's host, IPv6 with or without brackets) is this machine: plain
    http is allowed to it, and no proxy ever stands in front of it.

    >>> is_loopback("127.0.0.1"), is_loopback("[::1]"), is_loopback("localhost")
    (True, True, True)
    >>> is_loopback("auth.realmid.dev"), is_loopback("10.0.0.1")
    (False, False)
    """
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def normalize_base_url(raw: str) -> str:
    """Validate the issuer URL and return it without a trailing slash.

    Plain ``http`` is accepted for loopback hosts only (the emulator, local proxies): the
    API key and every token would otherwise cross the network in clear text.
    """
    if not isinstance(raw, str) or not raw.strip():
        raise BadRequestError("base_url must be a non-empty URL such as 'https://auth.realmid.dev'")
    try:
        url = httpx.URL(raw.strip())
    except httpx.InvalidURL:
        # httpx's message quotes the URL, which may hold credentials: not passed on.
        raise BadRequestError("base_url is not a valid URL") from None
    if url.userinfo or url.query or url.fragment:
        # Checked first, so the messages below never quote a credential or a signed query.
        raise BadRequestError("base_url must not carry credentials, a query or a fragment")
    if url.scheme not in ("https", "http") or not url.host:
        raise BadRequestError(f"base_url must be an absolute http(s) URL, got {raw.strip()!r}")
    if url.scheme == "http" and not is_loopback(url.host):
        raise BadRequestError(
            f"base_url {raw.strip()!r} uses plain http to a non-loopback host; use https "
            "(http is only accepted for 127.0.0.1, ::1 and localhost)"
        )
    return str(url).rstrip("/")


def _check_realm_id(_: object, __: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value:
        raise BadRequestError("realm_id is required (your realm's id, e.g. '01HXYZ...')")
    if not _REALM_ID.fullmatch(value):
        raise BadRequestError(
            "realm_id must be 1-128 characters of letters, digits, '_', '-' or '.'"
        )


def _check_api_key(_: object, __: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise BadRequestError("api_key is required (the realm's API key, e.g. 'rk_live_...')")
    if value != value.strip() or any(ord(c) < 0x21 or ord(c) == 0x7F for c in value):
        # The key itself is never quoted: this message may well reach a log.
        raise BadRequestError("api_key contains whitespace or control characters")


def _at_least(low: float, *, strict: bool) -> Callable[[object, attrs.Attribute[Any], Any], None]:
    """An attrs validator: a number (not a bool) ``>= low``, or ``> low`` when ``strict``."""

    def check(_: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        bound = f"> {low:g}" if strict else f">= {low:g}"
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise BadRequestError(f"{attribute.name} must be a number {bound}")
        if not (value > low if strict else value >= low):  # also refuses NaN
            raise BadRequestError(f"{attribute.name} must be {bound}, got {value!r}")

    return check


def _check_retry(_: object, __: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, RetryPolicy):
        raise BadRequestError("retry must be a realmid.RetryPolicy")


def _check_max_response_bytes(_: object, __: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise BadRequestError(f"max_response_bytes must be a positive integer, got {value!r}")


def _check_pool_size(_: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise BadRequestError(
            f"{attribute.name} must be a positive integer or None (no cap), got {value!r}"
        )


def _check_proxy(_: object, __: attrs.Attribute[Any], value: Any) -> None:
    if value is None or isinstance(value, httpx.Proxy):
        return
    text = str(value) if isinstance(value, str | httpx.URL) else None
    if text is None or not text.startswith(("http://", "https://", "socks5://", "socks5h://")):
        # The value may carry credentials (http://user:pass@proxy): never echo it.
        raise BadRequestError(
            "proxy must be an http://, https:// or socks5:// URL, or an httpx.Proxy"
        )


def _check_verify(_: object, __: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool | ssl.SSLContext):
        return
    if not isinstance(value, str) or not os.path.isfile(value):
        raise BadRequestError(
            "verify must be True, False, an ssl.SSLContext or the path of a CA bundle file"
        )


def _check_bool(_: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, bool):
        raise BadRequestError(f"{attribute.name} must be True or False")


def _check_clock(_: object, __: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not callable(value):
        raise BadRequestError("clock must be a function returning unix seconds (or None)")


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """How idempotent requests are retried on connect errors, 429 and 502/503/504.

    Backoff is exponential with full jitter; a server's ``Retry-After`` replaces it. Either
    wait is capped at ``max_backoff`` seconds, and the waits of one request never add up to
    more than ``total_timeout`` seconds. POSTs are retried only
    when they carry an ``Idempotency-Key`` (the SDK adds one to every create call).
    """

    max_retries: int = attrs.field(default=3, validator=_at_least(0, strict=False))
    backoff_factor: float = attrs.field(default=0.2, validator=_at_least(0, strict=False))
    max_backoff: float = attrs.field(default=5.0, validator=_at_least(0, strict=True))
    total_timeout: float = attrs.field(default=15.0, validator=_at_least(0, strict=True))

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.max_retries, int):
            raise BadRequestError("max_retries must be an integer")


@attrs.frozen(kw_only=True)
class RealmConfig:
    """Everything a :class:`~realmid.Realm` is built from. Construction validates; no I/O."""

    realm_id: str = attrs.field(validator=_check_realm_id)
    api_key: str = attrs.field(validator=_check_api_key, repr=False)
    base_url: str = attrs.field(default=DEFAULT_BASE_URL, converter=normalize_base_url)
    origin: str | None = None
    logger: logging.Logger = attrs.field(factory=lambda: logging.getLogger("realmid"), repr=False)
    leeway: float = attrs.field(default=30.0, converter=_leeway)
    clock: Callable[[], float] | None = attrs.field(
        default=None, repr=False, validator=_check_clock
    )
    revocation: RevocationCache | AsyncRevocationCache | None = attrs.field(
        default=None, repr=False
    )
    timeout: float = attrs.field(default=30.0, converter=_timeout)
    retry: RetryPolicy = attrs.field(factory=RetryPolicy, validator=_check_retry)
    token_refresh_buffer: float = attrs.field(default=60.0, converter=_refresh_buffer)
    http_client: Any = attrs.field(default=None, repr=False)
    max_response_bytes: int = attrs.field(
        default=DEFAULT_MAX_RESPONSE_BYTES, validator=_check_max_response_bytes
    )
    max_connections: int | None = attrs.field(
        default=DEFAULT_MAX_CONNECTIONS, validator=_check_pool_size
    )
    max_keepalive_connections: int | None = attrs.field(
        default=DEFAULT_MAX_KEEPALIVE_CONNECTIONS, validator=_check_pool_size
    )
    proxy: str | httpx.URL | httpx.Proxy | None = attrs.field(
        default=None, repr=False, validator=_check_proxy
    )
    verify: bool | str | ssl.SSLContext = attrs.field(default=True, validator=_check_verify)
    trust_env: bool = attrs.field(default=True, validator=_check_bool)

    def limits(self) -> httpx.Limits:
        """The connection pool limits of the client the handle builds (httpx's keep-alive
        expiry, 5 s, is kept)."""
        return httpx.Limits(
            max_connections=self.max_connections,
            max_keepalive_connections=self.max_keepalive_connections,
        )

    def __attrs_post_init__(self) -> None:
        if self.origin is not None and not (
            isinstance(self.origin, str) and self.origin.startswith(("https://", "http://"))
        ):
            raise BadRequestError(
                f"origin must look like 'https://app.example.com', got {self.origin!r}"
            )
        if self.timeout == 0:
            raise BadRequestError("timeout must be positive")


# The variables Realm.from_env() reads, and the argument each one fills.
ENV_VARIABLES = {
    "REALMID_REALM_ID": "realm_id",
    "REALMID_API_KEY": "api_key",
    "REALMID_BASE_URL": "base_url",
    "REALMID_TIMEOUT": "timeout",
}
_REQUIRED_FROM_ENV = ("realm_id", "api_key")


def arguments_from_env(
    environ: Mapping[str, str], overrides: Mapping[str, Any], accepted: Iterable[str]
) -> dict[str, Any]:
    """The keyword arguments of a handle built by ``from_env``: the ``REALMID_*`` variables
    that are set (and not empty), then ``overrides`` on top.

    >>> arguments_from_env({"REALMID_REALM_ID": "r1", "REALMID_API_KEY": "rk_test_x",
    ...                     "REALMID_TIMEOUT": "5"}, {"realm_id": "r2"}, ["realm_id",
    ...                     "api_key", "base_url", "timeout"])
    {'api_key': 'rk_test_x', 'timeout': 5.0, 'realm_id': 'r2'}
    """
    unknown = sorted(set(overrides) - set(accepted))
    if unknown:
        raise BadRequestError(f"from_env() got unknown argument(s): {', '.join(unknown)}")
    arguments: dict[str, Any] = {}
    for variable, name in ENV_VARIABLES.items():
        value = environ.get(variable, "").strip()
        if not value or name in overrides:
            continue
        if name == "timeout":
            try:
                arguments[name] = float(value)
            except ValueError:
                raise BadRequestError(
                    f"{variable} must be a number of seconds, got {value!r}"
                ) from None
        else:
            arguments[name] = value
    arguments.update(overrides)
    missing = [
        variable
        for variable, name in ENV_VARIABLES.items()
        if name in _REQUIRED_FROM_ENV and arguments.get(name) in (None, "")
    ]
    if missing:
        # Names only: a half-set environment must not print the key it does have.
        raise BadRequestError(
            f"{' and '.join(missing)} not set: export it, or pass "
            f"{' and '.join(ENV_VARIABLES[v] + '=' for v in missing)} to from_env()"
        )
    return arguments
