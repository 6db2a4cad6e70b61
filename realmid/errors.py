"""The error taxonomy (SPEC §3): every failure the SDK surfaces is a :class:`RealmError`.

Callers branch on ``err.code`` (a stable string) and read envelope siblings such as
``mfa_challenge_token`` from ``err.details``::

    try:
        session = realm.auth.login(...)
    except RealmError as err:
        if is_code(err, ErrorCode.MFA_REQUIRED):
            challenge = err.details["mfa_challenge_token"]

Unknown codes from a newer server are kept as plain strings, so nothing is lost.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

import httpx

__all__ = [
    "BadRequestError",
    "ErrorCode",
    "LastOwnerError",
    "RealmError",
    "RoleExistsError",
    "RoleInUseError",
    "RoleNotFoundError",
    "SystemRoleImmutableError",
    "TokenRevokedError",
    "envelope_code",
    "error_from_exception",
    "error_from_response",
    "is_code",
    "raise_for_status",
]


class ErrorCode(StrEnum):
    """Every code of the reference's taxonomy, plus the ones its prose and the contract name."""

    # Verifier (SPEC §3.1).
    MALFORMED = "malformed"
    WRONG_ALGORITHM = "wrong_algorithm"
    BAD_SIGNATURE = "bad_signature"
    WRONG_ISSUER = "wrong_issuer"
    WRONG_AUDIENCE = "wrong_audience"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    UNKNOWN_KID = "unknown_kid"
    JWKS_FETCH_FAILED = "jwks_fetch_failed"
    # Auth flow.
    PROVIDER_TOKEN_INVALID = "provider_token_invalid"  # noqa: S105 (a code, not a secret)
    MFA_REQUIRED = "mfa_required"
    SESSION_LIMIT_REACHED = "session_limit_reached"
    TENANT_REQUIRED = "tenant_required"
    TENANT_INVALID = "tenant_invalid"
    ACCOUNT_SUSPENDED = "account_suspended"
    ACCOUNT_DEACTIVATED = "account_deactivated"
    REALM_ORIGIN_MISMATCH = "realm_origin_mismatch"
    MISSING_ORIGIN = "missing_origin"
    INVALID_CREDENTIALS = "invalid_credentials"
    # Partner OTP primitive.
    INVALID_OTP = "invalid_otp"
    OTP_EXPIRED = "otp_expired"
    OTP_LOCKED = "otp_locked"
    OTP_NOT_FOUND = "otp_not_found"
    INVALID_PURPOSE = "invalid_purpose"
    INVALID_SUBJECT_REF = "invalid_subject_ref"
    # Roles (ADR-040) and tenants.
    ROLE_NOT_FOUND = "role_not_found"
    ROLE_EXISTS = "role_exists"
    ROLE_IN_USE = "role_in_use"
    SYSTEM_ROLE_IMMUTABLE = "system_role_immutable"
    LAST_OWNER = "last_owner"
    # Management / generic.
    UNAUTHORIZED = "unauthorized"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    RATE_LIMITED = "rate_limited"
    BAD_REQUEST = "bad_request"
    NETWORK = "network"
    SERVER_ERROR = "server_error"


# Envelope siblings that carry credentials: kept in `details` for the caller, never printed.
_SECRET_DETAIL_KEYS = frozenset({"mfa_challenge_token", "access_token", "refresh_token", "value"})


def _redact(value: object) -> str:
    text = str(value)
    return f"{text[:4]}…" if len(text) > 8 else "…"


class RealmError(Exception):
    """The one error type of the SDK.

    ``code`` is an :class:`ErrorCode` when the SDK knows it, else the server's string as is.
    ``details`` holds the error envelope's siblings (``mfa_challenge_token``, ``methods``,
    ``reason``, ``retry_after``, ...). ``cause`` is the underlying exception, also chained
    as ``__cause__``. ``request_id`` is the server's ``X-Request-Id`` when there was a response.
    """

    code: ErrorCode | str
    message: str
    http_status: int
    details: dict[str, Any]
    cause: BaseException | None
    request_id: str | None

    def __init__(
        self,
        code: ErrorCode | str,
        message: str = "",
        http_status: int = 0,
        details: Mapping[str, Any] | None = None,
        cause: BaseException | None = None,
        request_id: str | None = None,
    ) -> None:
        self.code = _known(code)
        self.message = message or str(self.code)
        self.http_status = http_status
        self.details = dict(details or {})
        self.cause = cause
        self.request_id = request_id
        super().__init__(self.code, self.message)
        if cause is not None:
            self.__cause__ = cause

    def __str__(self) -> str:
        status = f" (HTTP {self.http_status})" if self.http_status else ""
        request = f" [request_id={self.request_id}]" if self.request_id else ""
        return f"realmid: {self.code}{status}: {self.message}{request}"

    def __repr__(self) -> str:
        details = {
            key: _redact(value) if key in _SECRET_DETAIL_KEYS else value
            for key, value in self.details.items()
        }
        return (
            f"{type(self).__name__}(code={str(self.code)!r}, message={self.message!r}, "
            f"http_status={self.http_status}, details={details!r}, "
            f"request_id={self.request_id!r})"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        # Exceptions pickle through their args; keep every field across processes.
        return (
            _rebuild,
            (type(self), self.code, self.message, self.http_status, self.details, self.request_id),
        )


def _rebuild(
    cls: type[RealmError],
    code: str,
    message: str,
    http_status: int,
    details: dict[str, Any],
    request_id: str | None,
) -> RealmError:
    err = cls.__new__(cls)
    RealmError.__init__(err, code, message, http_status, details, None, request_id)
    return err


def _known(code: ErrorCode | str) -> ErrorCode | str:
    try:
        return ErrorCode(code)
    except ValueError:
        return code


class BadRequestError(RealmError, ValueError):
    """An argument the SDK refused before sending anything.

    Its code is ``bad_request``, or a more precise one of the taxonomy where there is one
    (``invalid_purpose``, ``invalid_subject_ref``). Also a :class:`ValueError`, so both
    ``except RealmError`` and ``except ValueError`` catch it::

        try:
            realm.tenants.update_user_role(tenant_id, user_id, "owner")
        except BadRequestError as err:
            print(err.message)  # use transfer_owner() for the owner role
    """

    def __init__(
        self, message: str, *, code: ErrorCode | str = ErrorCode.BAD_REQUEST, **kwargs: Any
    ) -> None:
        super().__init__(code, message, **kwargs)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_bad_request, (self.message, self.code, self.details))


def _rebuild_bad_request(message: str, code: str, details: dict[str, Any]) -> BadRequestError:
    return BadRequestError(message, code=code, details=details)


class RoleNotFoundError(RealmError):
    """The role does not exist in the realm's catalog (``role_not_found``)."""


class RoleExistsError(RealmError):
    """A role with that name already exists (``role_exists``)."""


class RoleInUseError(RealmError):
    """The role is still held by users or invitations (``role_in_use``)."""


class SystemRoleImmutableError(RealmError):
    """``owner`` and ``member`` cannot be changed or deleted (``system_role_immutable``)."""


class LastOwnerError(RealmError):
    """The change would leave the tenant without an owner (``last_owner``)."""


class TokenRevokedError(RealmError):
    """The access token's ``jti`` is in the revocation cache.

    Its code is ``unauthorized`` and ``details["revoked"]`` is ``True``, as the reference's
    ``ErrTokenRevoked``.
    """

    def __init__(self, message: str = "access token revoked", **kwargs: Any) -> None:
        details = {"revoked": True, **kwargs.pop("details", {})}
        super().__init__(ErrorCode.UNAUTHORIZED, message, details=details, **kwargs)


_CLASS_BY_CODE: dict[str, type[RealmError]] = {
    ErrorCode.ROLE_NOT_FOUND: RoleNotFoundError,
    ErrorCode.ROLE_EXISTS: RoleExistsError,
    ErrorCode.ROLE_IN_USE: RoleInUseError,
    ErrorCode.SYSTEM_ROLE_IMMUTABLE: SystemRoleImmutableError,
    ErrorCode.LAST_OWNER: LastOwnerError,
}

_CODE_BY_STATUS = {
    400: ErrorCode.BAD_REQUEST,
    401: ErrorCode.UNAUTHORIZED,
    403: ErrorCode.FORBIDDEN,
    404: ErrorCode.NOT_FOUND,
    409: ErrorCode.CONFLICT,
    429: ErrorCode.RATE_LIMITED,
}


def is_code(err: BaseException | None, code: ErrorCode | str) -> bool:
    """True when ``err`` is a :class:`RealmError` (or wraps one) whose code is ``code``.

    >>> is_code(RealmError("mfa_required"), ErrorCode.MFA_REQUIRED)
    True
    >>> is_code(ValueError("x"), "bad_request")
    False
    """
    seen = 0
    while err is not None and seen < 16:  # bounded: a cause chain can be cyclic
        if isinstance(err, RealmError):
            return str(err.code) == str(code)
        err = err.__cause__
        seen += 1
    return False


def _status_code(status: int) -> ErrorCode:
    if status >= 500:
        return ErrorCode.SERVER_ERROR
    return _CODE_BY_STATUS.get(status, ErrorCode.BAD_REQUEST)


def _retry_after(headers: Mapping[str, str]) -> int | None:
    raw = headers.get("retry-after")
    if raw is None:
        return None
    try:
        return max(0, int(float(raw)))
    except ValueError:
        return None  # an HTTP-date; rare from this issuer, and the envelope carries seconds


def _envelope(content: bytes) -> dict[str, Any] | None:
    """The error envelope in ``content``; None unless it is a JSON object with a ``code``."""
    if not content:
        return None
    try:
        envelope = json.loads(content)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    if isinstance(envelope, dict) and isinstance(envelope.get("code"), str) and envelope["code"]:
        return envelope
    return None


def envelope_code(content: bytes) -> str | None:
    """The ``code`` of an error envelope; None when the body is not a usable envelope."""
    envelope = _envelope(content)
    return None if envelope is None else str(envelope["code"])


def error_from_parts(
    status: int, content: bytes, headers: Mapping[str, str] | httpx.Headers
) -> RealmError:
    """Map a non-2xx answer to a :class:`RealmError` (ARCHITECTURE.md, "Error envelope").

    The envelope's ``code`` wins; a body that is not the envelope (a proxy's HTML page, Go's
    plain-text ``404 page not found``, JSON without ``code``) maps by status: 400
    ``bad_request``, 401 ``unauthorized``, 403 ``forbidden``, 404 ``not_found``, 409
    ``conflict``, 429 ``rate_limited``, 5xx ``server_error``. ``http_status`` is always the
    real status, and ``Retry-After`` lands in ``details["retry_after"]``.
    """
    headers = httpx.Headers(headers)
    request_id = headers.get("x-request-id")
    code: str = _status_code(status)
    message = f"HTTP {status}"
    details: dict[str, Any] = {}
    envelope = _envelope(content)
    if envelope is not None:
        code = envelope["code"]
        if isinstance(envelope.get("message"), str):
            message = envelope["message"]
        details = {k: v for k, v in envelope.items() if k not in ("code", "message")}
    retry_after = _retry_after(headers)
    if retry_after is not None and "retry_after" not in details:
        details["retry_after"] = retry_after
    cls = _CLASS_BY_CODE.get(code, RealmError)
    return cls(code, message, status, details, None, request_id)


def error_from_response(response: httpx.Response) -> RealmError:
    """Turn a non-2xx :class:`httpx.Response` (e.g. from ``realm.request``) into a RealmError."""
    return error_from_parts(response.status_code, response.content, response.headers)


def raise_for_status(response: httpx.Response) -> httpx.Response:
    """Return ``response`` when it is 2xx, else raise its :class:`RealmError`."""
    if response.is_success:
        return response
    raise error_from_response(response)


def error_from_exception(exc: BaseException) -> RealmError:
    """Map a transport or decoding failure to ``network`` / ``server_error``, cause chained."""
    if isinstance(exc, RealmError):
        return exc
    if isinstance(exc, httpx.TimeoutException):
        return RealmError(ErrorCode.NETWORK, f"request timed out ({type(exc).__name__})", cause=exc)
    if isinstance(exc, httpx.TransportError):
        # Connect refused, reset, protocol errors: the request may or may not have arrived.
        return RealmError(ErrorCode.NETWORK, f"transport failure ({type(exc).__name__})", cause=exc)
    if isinstance(exc, (ValueError, KeyError, TypeError, AttributeError)):
        # A 2xx body that is not JSON or not the documented shape.
        return RealmError(
            ErrorCode.SERVER_ERROR, f"malformed response body ({type(exc).__name__})", cause=exc
        )
    return RealmError(ErrorCode.NETWORK, f"unexpected failure ({type(exc).__name__})", cause=exc)
