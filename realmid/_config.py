"""Validated, immutable configuration of a realm handle."""

from __future__ import annotations

import ipaddress
import logging
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import attrs
import httpx

from realmid.revocation import AsyncRevocationCache, RevocationCache

DEFAULT_BASE_URL = "https://auth.realmid.dev"

_REALM_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,127}")
_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})


def _seconds(value: float | timedelta, name: str) -> float:
    seconds = value.total_seconds() if isinstance(value, timedelta) else float(value)
    if seconds < 0 or seconds != seconds:  # NaN compares unequal to itself
        raise ValueError(f"{name} must be a non-negative duration, got {value!r}")
    return seconds


def _leeway(value: float | timedelta) -> float:
    return _seconds(value, "leeway")


def _timeout(value: float | timedelta) -> float:
    return _seconds(value, "timeout")


def _refresh_buffer(value: float | timedelta) -> float:
    return _seconds(value, "token_refresh_buffer")


def _is_loopback(host: str) -> bool:
    if host in _LOOPBACK_NAMES:
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
        raise ValueError("base_url must be a non-empty URL such as 'https://auth.realmid.dev'")
    try:
        url = httpx.URL(raw.strip())
    except httpx.InvalidURL as err:
        raise ValueError(f"base_url is not a valid URL: {err}") from None
    if url.scheme not in ("https", "http") or not url.host:
        raise ValueError(f"base_url must be an absolute http(s) URL, got {raw!r}")
    if url.scheme == "http" and not _is_loopback(url.host):
        raise ValueError(
            f"base_url {raw!r} uses plain http to a non-loopback host; use https "
            "(http is only accepted for 127.0.0.1, ::1 and localhost)"
        )
    if url.userinfo or url.query or url.fragment:
        raise ValueError("base_url must not carry credentials, a query or a fragment")
    return str(url).rstrip("/")


def _check_realm_id(_: object, __: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value:
        raise ValueError("realm_id is required (your realm's id, e.g. '01HXYZ...')")
    if not _REALM_ID.fullmatch(value):
        raise ValueError("realm_id must be 1-128 characters of letters, digits, '_', '-' or '.'")


def _check_api_key(_: object, __: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("api_key is required (the realm's API key, e.g. 'rk_live_...')")
    if value != value.strip() or any(ord(c) < 0x21 or ord(c) == 0x7F for c in value):
        raise ValueError("api_key contains whitespace or control characters")


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """How idempotent requests are retried on connect errors, 429 and 502/503/504.

    Backoff is exponential with full jitter; a server's ``Retry-After`` replaces it. Either
    wait is capped at ``max_backoff`` seconds, and the waits of one request never add up to
    more than ``total_timeout`` seconds. POSTs are retried only
    when they carry an ``Idempotency-Key`` (the SDK adds one to every create call).
    """

    max_retries: int = attrs.field(default=3, validator=attrs.validators.ge(0))
    backoff_factor: float = attrs.field(default=0.2, validator=attrs.validators.ge(0))
    max_backoff: float = attrs.field(default=5.0, validator=attrs.validators.gt(0))
    total_timeout: float = attrs.field(default=15.0, validator=attrs.validators.gt(0))


@attrs.frozen(kw_only=True)
class RealmConfig:
    """Everything a :class:`~realmid.Realm` is built from. Construction validates; no I/O."""

    realm_id: str = attrs.field(validator=_check_realm_id)
    api_key: str = attrs.field(validator=_check_api_key, repr=False)
    base_url: str = attrs.field(default=DEFAULT_BASE_URL, converter=normalize_base_url)
    origin: str | None = None
    logger: logging.Logger = attrs.field(factory=lambda: logging.getLogger("realmid"), repr=False)
    leeway: float = attrs.field(default=30.0, converter=_leeway)
    clock: Callable[[], float] | None = attrs.field(default=None, repr=False)
    revocation: RevocationCache | AsyncRevocationCache | None = attrs.field(
        default=None, repr=False
    )
    timeout: float = attrs.field(default=30.0, converter=_timeout)
    retry: RetryPolicy = attrs.field(factory=RetryPolicy)
    token_refresh_buffer: float = attrs.field(default=60.0, converter=_refresh_buffer)
    http_client: Any = attrs.field(default=None, repr=False)

    def __attrs_post_init__(self) -> None:
        if self.origin is not None and not (
            isinstance(self.origin, str) and self.origin.startswith(("https://", "http://"))
        ):
            raise ValueError(
                f"origin must look like 'https://app.example.com', got {self.origin!r}"
            )
        if self.timeout == 0:
            raise ValueError("timeout must be positive")
