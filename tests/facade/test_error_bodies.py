"""Error answers that are not the JSON envelope map by status, with the real status.

A proxy's HTML page, Go's plain-text ``404 page not found``, JSON without ``code``, an
empty body: the emulator's raw-answer faults send each as it is, over loopback.
"""

from __future__ import annotations

import pytest

from realmid import ErrorCode, RetryPolicy
from realmid.testing import RealmEmulator

from .support import call
from .surface_support import error_of, member, open_realm

pytestmark = pytest.mark.anyio

NO_RETRY = RetryPolicy(max_retries=0)
# open_realm's recording transport retries 5xx and 429 once or twice (FAST_RETRY): enough
# scripted answers that every try meets one.
TRIES = 3

SHAPES = {
    "html": ("<html><body><h1>Bad things</h1></body></html>", "text/html"),
    "text": ("404 page not found\n", "text/plain; charset=utf-8"),
    "codeless_json": ('{"error": "boom"}', "application/json"),
    "message_only_json": ('{"message": "no code here"}', "application/json"),
    "json_array": ('["code", "not_found"]', "application/json"),
    "empty": ("", None),
}

STATUS_CODES = [
    (400, ErrorCode.BAD_REQUEST),
    (403, ErrorCode.FORBIDDEN),
    (404, ErrorCode.NOT_FOUND),
    (409, ErrorCode.CONFLICT),
    (422, ErrorCode.BAD_REQUEST),
    (500, ErrorCode.SERVER_ERROR),
    (502, ErrorCode.SERVER_ERROR),
    (503, ErrorCode.SERVER_ERROR),
]


# Every shape at one status, and every status with one shape: the mapping reads the status
# whenever the body is no usable envelope, whatever the body is.
CASES = [(shape, 404, ErrorCode.NOT_FOUND) for shape in sorted(SHAPES)] + [
    ("html", status, code) for status, code in STATUS_CODES if status != 404
]


@pytest.mark.parametrize(("shape", "status", "code"), CASES)
async def test_a_body_that_is_no_envelope_maps_by_status(
    face: str, emulator: RealmEmulator, shape: str, status: int, code: ErrorCode
) -> None:
    tenant_id = emulator.create_tenant("Acme")
    body, content_type = SHAPES[shape]
    async with open_realm(face, emulator, retry=NO_RETRY) as (realm, _):
        await call(realm.tenants.get(tenant_id))  # the platform token is in hand
        emulator.faults.answer_next(
            status, body, content_type=content_type, count=TRIES, path_prefix="/tenants/"
        )
        err = await error_of(lambda: realm.tenants.get(tenant_id))
        assert (err.code, err.http_status) == (code, status)
        assert err.request_id is not None  # the header survives a body that is no envelope


async def test_a_429_page_carries_its_retry_after(face: str, emulator: RealmEmulator) -> None:
    tenant_id = emulator.create_tenant("Acme")
    async with open_realm(face, emulator, retry=NO_RETRY) as (realm, _):
        await call(realm.tenants.get(tenant_id))
        emulator.faults.answer_next(
            429,
            "<html>slow down</html>",
            content_type="text/html",
            count=TRIES,
            path_prefix="/tenants/",
            retry_after=1,
        )
        err = await error_of(lambda: realm.tenants.get(tenant_id))
        assert (err.code, err.http_status) == (ErrorCode.RATE_LIMITED, 429)
        assert err.details["retry_after"] == 1


async def test_a_gateway_401_on_a_platform_call_remints_once(
    face: str, emulator: RealmEmulator
) -> None:
    # No envelope at all: nothing names another credential, so the bearer is what was
    # refused. One re-mint and one resend; the second 401 is returned, with its status.
    tenant_id = emulator.create_tenant("Acme")
    async with open_realm(face, emulator, retry=NO_RETRY) as (realm, sent):
        await call(realm.tenants.get(tenant_id))
        emulator.faults.answer_next(
            401, "<html>401 Authorization Required</html>", count=2, path_prefix="/tenants/"
        )
        err = await error_of(lambda: realm.tenants.get(tenant_id))
        assert (err.code, err.http_status) == (ErrorCode.UNAUTHORIZED, 401)
        assert realm._auth.stats.remints_on_401 == 1
        assert sent.count("GET", f"/tenants/{tenant_id}") == 3


async def test_a_gateway_401_answered_by_a_remint_succeeds(
    face: str, emulator: RealmEmulator
) -> None:
    tenant_id = emulator.create_tenant("Acme")
    async with open_realm(face, emulator, retry=NO_RETRY) as (realm, sent):
        await call(realm.tenants.get(tenant_id))
        emulator.faults.answer_next(401, "", content_type=None, path_prefix="/tenants/")
        assert (await call(realm.tenants.get(tenant_id))).id == tenant_id
        assert realm._auth.stats.remints_on_401 == 1
        assert sent.count("GET", f"/tenants/{tenant_id}") == 3


async def test_a_plain_text_404_means_no_step_up_challenge(
    face: str, emulator: RealmEmulator
) -> None:
    # An issuer without the endpoint answers Go's plain-text 404: the same empty challenge
    # as its JSON 404, so the middleware falls back to a plain 412.
    user = member(emulator)
    access_token = emulator.session_for(user.id)["access_token"]
    async with open_realm(face, emulator) as (realm, sent):
        emulator.faults.go_not_found_next(path_prefix="/auth/mfa/challenge")
        challenge = await call(realm.auth.mint_mfa_challenge(access_token))
        assert not challenge.available
        assert challenge.methods is None
        assert sent.count("POST", "/auth/mfa/challenge") == 1
