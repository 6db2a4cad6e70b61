"""The verifier's public surface: offline use, Claims, leeway and clock, audience override."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import Any

import attrs
import pytest
from verifier_support import AUDIENCE, DROP, ISSUER, claims, mint, public_jwk, rsa_key

from realmid.errors import ErrorCode, RealmError
from realmid.verify import Claims, Verifier, unverified_claims

KEY = rsa_key(0)
JWKS = {"keys": [public_jwk(KEY, "k1")]}


def code_of(verifier: Verifier, token: Any, **kwargs: Any) -> str | None:
    try:
        verifier.verify(token, **kwargs)
    except RealmError as err:
        return str(err.code)
    return None


def test_offline_verification_maps_every_claim() -> None:
    verifier = Verifier(issuer=ISSUER, audience=AUDIENCE, jwks=JWKS)
    now = int(time.time())
    token = mint(
        KEY,
        payload=claims(
            iat=now,
            nbf=now - 5,
            exp=now + 900,
            jti="j-42",
            mfa_at=now - 60,
            amr=["pwd", "otp"],
            email="u@example.test",
            custom={"plan": "pro"},
        ),
    )
    got = verifier.verify(token)
    assert got == Claims(
        iss=ISSUER,
        sub="user-1",
        aud=(AUDIENCE,),
        iat=now,
        nbf=now - 5,
        exp=now + 900,
        jti="j-42",
        azp="realm-1",
        tenant_id="tenant-1",
        role="member",
        amr=("pwd", "otp"),
        acr="aal1",
        mfa_at=now - 60,
        extra={"sid": "session-1", "email": "u@example.test", "custom": {"plan": "pro"}},
    )
    with pytest.raises(AttributeError):
        got.sub = "admin"  # type: ignore[misc]


def test_verified_claims_are_the_constructors_value() -> None:
    # The verifier builds Claims without __init__: the result must still be what the
    # constructor makes (int times from float NumericDates, a frozen extra, evolve works).
    verifier = Verifier(ISSUER, AUDIENCE, jwks=JWKS)
    now = int(time.time())
    token = mint(
        KEY, payload=claims(iat=now + 0.75, exp=now + 900.5, mfa_at=now - 0.5, plan={"x": [1]})
    )
    got = verifier.verify(token)
    assert (got.iat, got.exp, got.mfa_at) == (now, now + 900, now - 1)
    assert all(type(value) is int for value in (got.iat, got.nbf, got.exp, got.mfa_at))
    rebuilt = Claims(**{field.name: getattr(got, field.name) for field in attrs.fields(Claims)})
    assert rebuilt == got
    assert hash(rebuilt) == hash(got)
    assert repr(rebuilt) == repr(got)
    assert attrs.evolve(got, role="owner").role == "owner"
    assert got.role == "member"
    with pytest.raises(TypeError):
        got.extra["plan"]["x"] = []


def test_absent_optional_claims_have_their_zero_values() -> None:
    verifier = Verifier(ISSUER, AUDIENCE, jwks=JWKS)
    token = mint(
        KEY,
        payload=claims(nbf=DROP, azp=DROP, tenant_id=DROP, role=DROP, amr=DROP, acr=DROP, sid=DROP),
    )
    got = verifier.verify(token)
    assert (got.nbf, got.azp, got.tenant_id, got.role, got.amr, got.acr, got.mfa_at) == (
        0,
        "",
        "",
        "",
        (),
        "",
        0,
    )
    assert got.extra == {}
    assert hash(got) == hash(verifier.verify(token))  # frozen values hash (extra excluded)


def test_aud_list_is_kept_whole() -> None:
    verifier = Verifier(ISSUER, AUDIENCE, jwks=JWKS)
    got = verifier.verify(mint(KEY, payload=claims(aud=["https://other", AUDIENCE])))
    assert got.aud == ("https://other", AUDIENCE)


def test_audience_override_per_call() -> None:
    verifier = Verifier(ISSUER, AUDIENCE, jwks=JWKS)
    token = mint(KEY, payload=claims(aud="https://admin.example"))
    assert code_of(verifier, token) == ErrorCode.WRONG_AUDIENCE
    assert verifier.verify(token, audience="https://admin.example").aud == (
        "https://admin.example",
    )
    for bad in ("", 7, ["x"]):
        assert code_of(verifier, token, audience=bad) == ErrorCode.BAD_REQUEST


def test_leeway_and_clock_are_honoured() -> None:
    now = 2_000_000_000.0
    token = mint(KEY, payload=claims(iat=int(now) - 100, nbf=int(now) - 100, exp=int(now)))
    strict = Verifier(ISSUER, AUDIENCE, jwks=JWKS, leeway=0, clock=lambda: now - 1)
    assert strict.verify(token)
    at_expiry = Verifier(ISSUER, AUDIENCE, jwks=JWKS, leeway=0, clock=lambda: now)
    assert code_of(at_expiry, token) == ErrorCode.EXPIRED
    lenient = Verifier(
        ISSUER, AUDIENCE, jwks=JWKS, leeway=timedelta(minutes=2), clock=lambda: now + 119
    )
    assert lenient.verify(token)
    assert (
        code_of(Verifier(ISSUER, AUDIENCE, jwks=JWKS, clock=lambda: now + 30), token) == "expired"
    )
    assert Verifier(ISSUER, AUDIENCE, jwks=JWKS, clock=lambda: now + 29.9).verify(token)
    early = Verifier(ISSUER, AUDIENCE, jwks=JWKS, clock=lambda: now - 131)
    assert code_of(early, token) == ErrorCode.NOT_YET_VALID


@pytest.mark.parametrize("bad", [-1, float("nan"), float("inf"), timedelta(seconds=-5)])
def test_bad_construction_arguments(bad: Any) -> None:
    with pytest.raises(ValueError):
        Verifier(ISSUER, AUDIENCE, jwks=JWKS, leeway=bad)


def test_more_bad_construction_arguments() -> None:
    with pytest.raises(ValueError):
        Verifier("", AUDIENCE, jwks=JWKS)
    with pytest.raises(ValueError):
        Verifier(ISSUER, "", jwks=JWKS)
    with pytest.raises(ValueError):
        Verifier(ISSUER, AUDIENCE, jwks=JWKS, max_token_bytes=10)
    with pytest.raises(ValueError, match="more than once"):
        Verifier(ISSUER, AUDIENCE, jwks={"keys": [public_jwk(KEY, "a"), public_jwk(KEY, "a")]})
    with pytest.raises(ValueError):
        Verifier(ISSUER, AUDIENCE, jwks="not json")


def test_static_jwks_as_json_text_and_bytes() -> None:
    token = mint(KEY)
    for form in (json.dumps(JWKS), json.dumps(JWKS).encode()):
        assert Verifier(ISSUER, AUDIENCE, jwks=form).verify(token)


def test_token_types() -> None:
    verifier = Verifier(ISSUER, AUDIENCE, jwks=JWKS)
    token = mint(KEY)

    class Sneaky(str):
        def encode(self, *args: Any, **kwargs: Any) -> bytes:  # type: ignore[override]
            raise RuntimeError("never called")

    assert verifier.verify(token.encode()).sub == "user-1"
    assert verifier.verify(bytearray(token.encode())).sub == "user-1"  # type: ignore[arg-type]
    assert verifier.verify(Sneaky(token)).sub == "user-1"
    assert code_of(verifier, memoryview(token.encode())) == ErrorCode.MALFORMED


def test_max_token_bytes_is_configurable() -> None:
    token = mint(KEY)
    assert code_of(
        Verifier(ISSUER, AUDIENCE, jwks=JWKS, max_token_bytes=len(token) - 1), token
    ) == (ErrorCode.MALFORMED)
    assert Verifier(ISSUER, AUDIENCE, jwks=JWKS, max_token_bytes=len(token)).verify(token)


def test_reprs_hold_no_secrets() -> None:
    verifier = Verifier(ISSUER, AUDIENCE, jwks=JWKS)
    assert repr(verifier) == f"Verifier(issuer={ISSUER!r}, audience={AUDIENCE!r})"
    token = mint(KEY)
    verifier.verify(token)
    for text in (repr(verifier), repr(verifier.verify(token))):
        assert token.split(".")[2][:16] not in text


def test_unverified_claims() -> None:
    token = mint(KEY, payload=claims(jti="peek"))
    assert unverified_claims(token)["jti"] == "peek"  # type: ignore[index]
    for junk in (None, "", "a.b", "a.b.c", "x" * 10_000, 5):
        assert unverified_claims(junk) is None
