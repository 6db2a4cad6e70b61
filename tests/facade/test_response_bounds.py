"""Bounded reads through the realm's own transport (issue 13.1).

Every fault here comes from a raw loopback server (tests/verifier/verifier_support.py):
the emulator answers well-formed, promptly and small, and cannot trickle headers, cut a
body off mid-way or send 50 MB on purpose. Each test runs on both faces.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import sys
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import realmid
from realmid.errors import ErrorCode, RealmError

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "verifier"))
from verifier_support import AUDIENCE, RawServer, claims, mint, public_jwk, raw_server, rsa_key

K1 = rsa_key(0)
JWKS_BODY = json.dumps({"keys": [public_jwk(K1, "k1")]}).encode()
MB = 1024 * 1024


@pytest.fixture(params=["sync", "async"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _realm(kind: str, base_url: str, **options: Any) -> Any:
    cls = realmid.Realm if kind == "sync" else realmid.AsyncRealm
    return cls(realm_id="r1", api_key="rk_test_bounds", base_url=base_url, **options)


def _run(kind: str, realm: Any, call: Callable[[Any], Any]) -> RealmError | None:
    """``call(realm)`` on either face; the RealmError it raised, or None; realm closed."""

    async def on_async() -> RealmError | None:
        try:
            await call(realm)
        except RealmError as err:
            return err
        finally:
            await realm.aclose()
        return None

    if kind == "async":
        return asyncio.run(on_async())
    try:
        call(realm)
    except RealmError as err:
        return err
    finally:
        realm.close()
    return None


def _verify_through_realm(kind: str, raw: RawServer, deadline: float = 1.0) -> tuple[Any, float]:
    realm = _realm(kind, raw.base_url)
    # The realm gives its cache the default 5 s deadline; a shorter one keeps the test fast
    # (the behaviour under test is that it holds, whatever its value).
    realm._jwks._timeout = deadline
    token = mint(K1, "k1", payload=claims(iss=raw.base_url))
    started = time.monotonic()
    err = _run(kind, realm, lambda r: r.verify(token, audience=AUDIENCE))
    return err, time.monotonic() - started


# ------------------------------------------------------------------ JWKS via realm.verify


def test_the_jwks_cap_holds_through_the_realm_transport(kind: str) -> None:
    def huge(raw: RawServer, conn: Any, path: str) -> None:
        raw.send(conn, b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")  # close-delimited
        chunk = b" " * 65536
        for _ in range(50 * MB // len(chunk)):
            raw.send(conn, chunk)

    with raw_server(huge) as raw:
        err, _ = _verify_through_realm(kind, raw, deadline=5.0)
        assert err is not None
        assert err.code == ErrorCode.JWKS_FETCH_FAILED
        assert "larger than" in err.message
        time.sleep(0.2)  # let the server notice the hang-up
        assert raw.sent < 20 * MB  # the cap is 256 KiB: never the whole 50 MB


def test_the_jwks_cap_refuses_a_declared_length_without_reading(kind: str) -> None:
    def declared(raw: RawServer, conn: Any, path: str) -> None:
        raw.send(conn, b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % (50 * MB))
        chunk = b" " * 65536
        for _ in range(50 * MB // len(chunk)):
            raw.send(conn, chunk)

    with raw_server(declared) as raw:
        err, _ = _verify_through_realm(kind, raw, deadline=5.0)
        assert err is not None
        assert err.code == ErrorCode.JWKS_FETCH_FAILED
        time.sleep(0.2)
        assert raw.sent < 20 * MB


def _headers_trickle(raw: RawServer, conn: Any, path: str) -> None:
    raw.send(conn, b"HTTP/1.1 200 OK\r\nX-Pad: ")
    raw.trickle(conn, b"a" * 60, 12)
    raw.send(conn, b"\r\nContent-Length: %d\r\n\r\n" % len(JWKS_BODY) + JWKS_BODY)


def _body_trickle(raw: RawServer, conn: Any, path: str) -> None:
    raw.send(conn, b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(JWKS_BODY))
    raw.trickle(conn, JWKS_BODY, 12)


def _cut_and_retried(raw: RawServer, conn: Any, path: str) -> None:
    # A retryable fault (the body is cut off) after a slow start, on every attempt: the
    # retry loop would run ~4 attempts x 0.8 s plus backoffs without the total deadline.
    raw.send(conn, b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(JWKS_BODY))
    raw.trickle(conn, JWKS_BODY[:40], 0.8)


def _retry_after(raw: RawServer, conn: Any, path: str) -> None:
    raw.send(
        conn, b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 4\r\nContent-Length: 0\r\n\r\n"
    )


@pytest.mark.parametrize(
    "script",
    [_headers_trickle, _body_trickle, _cut_and_retried, _retry_after],
    ids=["headers-12s", "body-12s", "cut-and-retried", "retry-after-4s"],
)
def test_one_total_deadline_through_the_realm_transport(
    kind: str, script: Callable[..., None]
) -> None:
    with raw_server(script) as raw:
        err, elapsed = _verify_through_realm(kind, raw, deadline=1.0)
        assert err is not None
        assert err.code == ErrorCode.JWKS_FETCH_FAILED
        assert elapsed < 3.5  # deadline 1 s; the fault alone lasts 4-12 s
        assert "rk_test_bounds" not in err.message


# ------------------------------------------------------------- every API response body


def _answer(status: int, size: int, declared: bool) -> Callable[..., None]:
    def script(raw: RawServer, conn: Any, path: str) -> None:
        head = f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n"
        head += f"Content-Length: {size}\r\n" if declared else "Connection: close\r\n"
        raw.send(conn, head.encode() + b"\r\n")
        chunk = b" " * 65536
        left = size
        while left > 0:
            raw.send(conn, chunk[: min(left, len(chunk))])
            left -= len(chunk)

    return script


@pytest.mark.parametrize("status", [200, 500])
@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "close-delimited"])
def test_an_oversized_api_answer_is_a_server_error_with_its_status(
    kind: str, status: int, declared: bool
) -> None:
    with raw_server(_answer(status, 50 * MB, declared)) as raw:
        realm = _realm(kind, raw.base_url, max_response_bytes=64 * 1024)
        err = _run(kind, realm, lambda r: r.info())
        assert err is not None
        assert err.code == ErrorCode.SERVER_ERROR
        assert err.http_status == status
        assert "larger than 65536 bytes" in err.message
        assert "rk_test_bounds" not in err.message
        time.sleep(0.2)
        assert raw.sent < 20 * MB  # read incrementally: refused at the cap, not at the end


def test_an_answer_under_the_cap_is_read_as_usual(kind: str) -> None:
    body = json.dumps({"code": "not_found", "message": "no such realm"}).encode()

    def script(raw: RawServer, conn: Any, path: str) -> None:
        raw.send(conn, b"HTTP/1.1 404 X\r\nContent-Length: %d\r\n\r\n" % len(body) + body)

    with raw_server(script) as raw:
        realm = _realm(kind, raw.base_url, max_response_bytes=len(body))
        err = _run(kind, realm, lambda r: r.info())
        assert err is not None
        assert err.http_status == 404
        assert err.code != ErrorCode.SERVER_ERROR


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "8MiB"])
def test_max_response_bytes_is_validated(kind: str, bad: Any) -> None:
    with pytest.raises(realmid.BadRequestError, match="max_response_bytes"):
        _realm(kind, "http://127.0.0.1:9", max_response_bytes=bad)


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_a_compressed_answer_is_capped_by_its_decoded_size(kind: str, encoding: str) -> None:
    # 64 KiB on the wire that inflate to 64 MiB: the cap holds for the decoded bytes.
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS if encoding == "gzip" else 15)
    bomb = packer.compress(b" " * (64 * MB)) + packer.flush()

    def script(raw: RawServer, conn: Any, path: str) -> None:
        head = f"HTTP/1.1 200 X\r\nContent-Encoding: {encoding}\r\nContent-Length: {len(bomb)}\r\n"
        raw.send(conn, head.encode() + b"\r\n" + bomb)

    with raw_server(script) as raw:
        realm = _realm(kind, raw.base_url, max_response_bytes=1 * MB)
        err = _run(kind, realm, lambda r: r.info())
        assert err is not None
        assert err.code == ErrorCode.SERVER_ERROR
        assert err.http_status == 200
        assert "larger than" in err.message


def test_a_compressed_answer_under_the_cap_is_read_as_usual(kind: str) -> None:
    body = json.dumps({"code": "not_found", "message": "no such realm"}).encode()
    packed = gzip.compress(body)

    def script(raw: RawServer, conn: Any, path: str) -> None:
        head = b"HTTP/1.1 404 X\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n"
        raw.send(conn, head % len(packed) + packed)

    with raw_server(script) as raw:  # the cap just fits, raw and decoded
        realm = _realm(kind, raw.base_url, max_response_bytes=max(len(body), len(packed)))
        err = _run(kind, realm, lambda r: r.info())
        assert err is not None
        assert err.http_status == 404
        assert err.code != ErrorCode.SERVER_ERROR
