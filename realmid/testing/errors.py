"""The one error envelope, raised as an exception from anywhere in a handler."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An HTTP error answered as ``{"code", "message", ...siblings}`` with ``status``.

    ``siblings`` are extra envelope members the code needs (``mfa_challenge_token``,
    ``methods``, ``retry_after``, ...). ``headers`` are added to the response.
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        headers: dict[str, str] | None = None,
        **siblings: Any,
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})
        self.siblings = siblings

    def envelope(self, request_id: str | None = None) -> dict[str, Any]:
        """The JSON body of this error."""
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        body.update(self.siblings)
        if request_id is not None:
            body["request_id"] = request_id
        return body


def bad_request(message: str, code: str = "bad_request", **siblings: Any) -> ApiError:
    """400: the input is invalid."""
    return ApiError(400, code, message, **siblings)


def unauthorized(
    message: str = "missing or invalid credentials", code: str = "unauthorized"
) -> ApiError:
    """401: the credentials are missing, invalid or expired."""
    return ApiError(401, code, message)


def forbidden(message: str = "not allowed", code: str = "forbidden") -> ApiError:
    """403: the caller is known but may not do this."""
    return ApiError(403, code, message)


def not_found(message: str = "not found", code: str = "not_found") -> ApiError:
    """404: nothing by that id in the caller's scope (never says whether it exists elsewhere)."""
    return ApiError(404, code, message)


def conflict(message: str, code: str = "conflict") -> ApiError:
    """409: the request conflicts with the current state."""
    return ApiError(409, code, message)
