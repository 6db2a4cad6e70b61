"""A hostile-input corpus: every case is refused with its taxonomy code, and nothing but a
RealmError ever escapes. Tokens are minted with PyJWT and cryptography keys made here."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from verifier_support import (
    AUDIENCE,
    DROP,
    ISSUER,
    b64u,
    b64u_json,
    claims,
    der_public,
    ec_key,
    jwks_server,
    mint,
    pem_public,
    public_jwk,
    raw_token,
    rsa_key,
    sign_raw,
)

from realmid.errors import ErrorCode, RealmError
from realmid.verify import Verifier

KEY = rsa_key(0)
ATTACKER = rsa_key(1)
JWKS = {"keys": [public_jwk(KEY, "k1")]}

MALFORMED = ErrorCode.MALFORMED
WRONG_ALG = ErrorCode.WRONG_ALGORITHM
BAD_SIG = ErrorCode.BAD_SIGNATURE
WRONG_ISS = ErrorCode.WRONG_ISSUER
WRONG_AUD = ErrorCode.WRONG_AUDIENCE
EXPIRED = ErrorCode.EXPIRED
NOT_YET = ErrorCode.NOT_YET_VALID
UNKNOWN_KID = ErrorCode.UNKNOWN_KID


def verifier() -> Verifier:
    return Verifier(ISSUER, AUDIENCE, jwks=JWKS)


def hs(secret: bytes, alg: str = "HS256", kid: str = "k1") -> str:
    """An HMAC token 'signed' with ``secret``: the classic RS/HS key-confusion forgery."""
    digest = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}[alg]
    signing_input = f"{b64u_json({'alg': alg, 'typ': 'JWT', 'kid': kid})}.{b64u_json(claims())}"
    mac = hmac.new(secret, signing_input.encode(), digest).digest()
    return f"{signing_input}.{b64u(mac)}"


def unsigned(alg: Any) -> str:
    return f"{b64u_json({'alg': alg, 'kid': 'k1'})}.{b64u_json(claims())}."


def with_header(**header: Any) -> str:
    """Our real key signs whatever header we give it."""
    return sign_raw(b64u_json(header), b64u_json(claims()))


def with_claims(**overrides: Any) -> str:
    # Signed by hand: PyJWT refuses to mint some of these shapes (a non-string iss).
    header = b64u_json({"alg": "RS256", "typ": "JWT", "kid": "k1"})
    return sign_raw(header, b64u_json(claims(**overrides)))


def pyjwt(alg: str, key: Any, kid: str = "k1") -> str:
    return jwt.encode(claims(), key, algorithm=alg, headers={"kid": kid})


def tamper_signature(token: str) -> str:
    head, payload, sig = token.split(".")
    flipped = bytearray(jwt.utils.base64url_decode(sig))
    flipped[10] ^= 0x01
    return f"{head}.{payload}.{b64u(bytes(flipped))}"


def payload_text(text: str) -> str:
    return raw_token('{"alg":"RS256","kid":"k1"}', text)


def valid_payload_json(**extra: Any) -> str:
    return json.dumps(claims(**extra), separators=(",", ":"))


def now() -> int:
    # Read when a case is built, not at import: a long suite must not age the cases.
    return int(time.time())


# A year of validity: the malformed variants below are built from it at any point of a run.
GOOD = mint(KEY, payload=claims(exp=int(time.time()) + 365 * 86_400))
H, P, S = GOOD.split(".")

CORPUS: list[tuple[str, Callable[[], Any], str]] = [
    # -- alg -------------------------------------------------------------------------------
    ("alg none", lambda: unsigned("none"), WRONG_ALG),
    ("alg None", lambda: unsigned("None"), WRONG_ALG),
    ("alg NONE", lambda: unsigned("NONE"), WRONG_ALG),
    ("alg nOnE", lambda: unsigned("nOnE"), WRONG_ALG),
    ("alg null", lambda: unsigned(None), WRONG_ALG),
    ("alg missing", lambda: f"{b64u_json({'kid': 'k1'})}.{P}.{S}", WRONG_ALG),
    (
        "alg none with a real signature",
        lambda: f"{b64u_json({'alg': 'none', 'kid': 'k1'})}.{P}.{S}",
        WRONG_ALG,
    ),
    ("alg rs256 lowercase", lambda: with_header(alg="rs256", kid="k1"), WRONG_ALG),
    ("alg 'RS256 '", lambda: with_header(alg="RS256 ", kid="k1"), WRONG_ALG),
    ("alg as a list", lambda: with_header(alg=["RS256"], kid="k1"), WRONG_ALG),
    ("HS256 keyed with the PEM public key", lambda: hs(pem_public(KEY)), WRONG_ALG),
    ("HS256 keyed with the DER public key", lambda: hs(der_public(KEY)), WRONG_ALG),
    ("HS256 keyed with the JWK", lambda: hs(json.dumps(public_jwk(KEY, "k1")).encode()), WRONG_ALG),
    ("HS384 keyed with the PEM", lambda: hs(pem_public(KEY), "HS384"), WRONG_ALG),
    ("HS512 keyed with the PEM", lambda: hs(pem_public(KEY), "HS512"), WRONG_ALG),
    ("RS384 by the real key", lambda: pyjwt("RS384", KEY), WRONG_ALG),
    ("RS512 by the real key", lambda: pyjwt("RS512", KEY), WRONG_ALG),
    ("PS256 by the real key", lambda: pyjwt("PS256", KEY), WRONG_ALG),
    ("ES256", lambda: pyjwt("ES256", ec_key()), WRONG_ALG),
    # -- kid -------------------------------------------------------------------------------
    ("kid path traversal", lambda: mint(ATTACKER, kid="../../../../etc/passwd"), UNKNOWN_KID),
    ("kid SQL", lambda: mint(ATTACKER, kid="k1' OR '1'='1' --"), UNKNOWN_KID),
    ("kid URL", lambda: mint(ATTACKER, kid="https://evil.example/jwks.json"), UNKNOWN_KID),
    ("kid NUL byte", lambda: mint(ATTACKER, kid="k1\x00"), UNKNOWN_KID),
    ("kid 10 KB", lambda: mint(ATTACKER, kid="k" * 10_000), MALFORMED),
    ("kid 257 chars", lambda: mint(ATTACKER, kid="k" * 257), MALFORMED),
    ("kid missing", lambda: with_header(alg="RS256"), MALFORMED),
    ("kid empty", lambda: with_header(alg="RS256", kid=""), MALFORMED),
    ("kid a number", lambda: with_header(alg="RS256", kid=1), MALFORMED),
    ("kid null", lambda: with_header(alg="RS256", kid=None), MALFORMED),
    ("kid a list", lambda: with_header(alg="RS256", kid=["k1"]), MALFORMED),
    # -- key-bearing headers are never used --------------------------------------------------
    (
        "embedded jwk of the attacker, our kid",
        lambda: mint(ATTACKER, headers={"jwk": public_jwk(ATTACKER, "k1")}),
        BAD_SIG,
    ),
    (
        "x5c of the attacker, our kid",
        lambda: mint(ATTACKER, headers={"x5c": [b64u(der_public(ATTACKER))]}),
        BAD_SIG,
    ),
    ("x5u, our kid", lambda: mint(ATTACKER, headers={"x5u": "http://127.0.0.1:9/x"}), BAD_SIG),
    # -- crit --------------------------------------------------------------------------------
    ("crit [exp]", lambda: with_header(alg="RS256", kid="k1", crit=["exp"]), MALFORMED),
    ("crit []", lambda: with_header(alg="RS256", kid="k1", crit=[]), MALFORMED),
    ("crit b64", lambda: with_header(alg="RS256", kid="k1", b64=False, crit=["b64"]), MALFORMED),
    # -- duplicate members -----------------------------------------------------------------
    (
        "header: alg twice (none, then RS256)",
        lambda: raw_token('{"alg":"none","alg":"RS256","kid":"k1"}', valid_payload_json()),
        MALFORMED,
    ),
    (
        "header: kid twice",
        lambda: raw_token('{"alg":"RS256","kid":"k1","kid":"k2"}', valid_payload_json()),
        MALFORMED,
    ),
    (
        "payload: sub twice, validly signed",
        lambda: payload_text(valid_payload_json()[:-1] + ',"sub":"admin"}'),
        MALFORMED,
    ),
    (
        "payload: nested duplicate",
        lambda: payload_text(valid_payload_json()[:-1] + ',"x":{"a":1,"a":2}}'),
        MALFORMED,
    ),
    # The compact fast path (realmid._jose) must never be the one that lets these through.
    (
        "payload: duplicate in an object inside a list",
        lambda: payload_text(valid_payload_json()[:-1] + ',"x":[{"a":1,"a":2}]}'),
        MALFORMED,
    ),
    (
        "payload: sub twice, the second name spelled with an escape",
        lambda: payload_text(valid_payload_json()[:-1] + ',"s\\u0075b":"admin"}'),
        MALFORMED,
    ),
    (
        "payload: sub twice, whitespace before one colon",
        lambda: payload_text(valid_payload_json()[:-1] + ',"sub" :"admin"}'),
        MALFORMED,
    ),
    # -- base64url -----------------------------------------------------------------------------
    ("padding on the header", lambda: f"{H}{'=' * (-len(H) % 4) or '=='}.{P}.{S}", MALFORMED),
    ("padding on the signature", lambda: f"{H}.{P}.{S}=", MALFORMED),
    ("space inside", lambda: f"{H}.{P[:10]} {P[10:]}.{S}", MALFORMED),
    ("trailing newline", lambda: f"{GOOD}\n", MALFORMED),
    ("leading space", lambda: f" {GOOD}", MALFORMED),
    ("tab inside the signature", lambda: f"{H}.{P}.{S[:5]}\t{S[5:]}", MALFORMED),
    ("standard alphabet '+'", lambda: f"{H}.{P}.{S[:-4]}+{S[-3:]}", MALFORMED),
    ("standard alphabet '/'", lambda: f"{H}.{P}.{S[:-4]}/{S[-3:]}", MALFORMED),
    ("non-canonical trailing bits", lambda: noncanonical(GOOD), MALFORMED),
    ("segment of length 4n+1", lambda: f"{H}.{P}A.{S}", MALFORMED),
    ("non-ASCII character", lambda: f"{H}.{P}é.{S}", MALFORMED),
    ("fullwidth letters", lambda: f"{H}.{P}.\uff21\uff22\uff23\uff24", MALFORMED),
    # -- shape -----------------------------------------------------------------------------
    ("1 MiB token", lambda: f"{H}.{'A' * (1 << 20)}.{S}", MALFORMED),
    ("8193 bytes", lambda: f"{H}.{P}.{S}" + "A" * (8193 - len(GOOD)), MALFORMED),
    (
        "JSON flattened serialization",
        lambda: json.dumps({"protected": H, "payload": P, "signature": S}),
        MALFORMED,
    ),
    (
        "JSON general serialization",
        lambda: json.dumps({"payload": P, "signatures": [{"protected": H, "signature": S}]}),
        MALFORMED,
    ),
    ("2 segments", lambda: f"{H}.{P}", MALFORMED),
    ("4 segments", lambda: f"{H}.{P}.{S}.{S}", MALFORMED),
    ("5 segments (JWE shape)", lambda: f"{H}.{P}.{S}.{S}.{S}", MALFORMED),
    ("empty string", lambda: "", MALFORMED),
    ("only dots", lambda: "..", MALFORMED),
    ("None", lambda: None, MALFORMED),
    ("an int", lambda: 12345, MALFORMED),
    ("a dict", lambda: {"token": GOOD}, MALFORMED),
    ("'Bearer ' prefix", lambda: f"Bearer {GOOD}", MALFORMED),
    ("header not JSON", lambda: sign_raw(b64u("alg=RS256"), P), MALFORMED),
    ("header a JSON array", lambda: sign_raw(b64u_json(["RS256"]), P), MALFORMED),
    ("payload a JSON array", lambda: payload_text("[1,2]"), MALFORMED),
    ("payload a JSON string", lambda: payload_text('"sub"'), MALFORMED),
    ("payload with trailing data", lambda: payload_text(valid_payload_json() + "x"), MALFORMED),
    ("payload UTF-16", lambda: sign_raw(H, b64u(valid_payload_json().encode("utf-16"))), MALFORMED),
    (
        "payload with a BOM",
        lambda: sign_raw(H, b64u(b"\xef\xbb\xbf" + valid_payload_json().encode())),
        MALFORMED,
    ),
    ("payload invalid UTF-8", lambda: sign_raw(H, b64u(b'{"sub":"\xff"}')), MALFORMED),
    (
        "payload lone surrogate",
        lambda: payload_text(valid_payload_json()[:-1] + ',"x":"\\ud800"}'),
        MALFORMED,
    ),
    (
        "payload 5000 nested arrays",
        lambda: payload_text('{"x":' + "[" * 5000 + "]" * 5000 + "}"),
        MALFORMED,
    ),
    (
        "payload NaN",
        lambda: payload_text(valid_payload_json(exp=DROP)[:-1] + ',"exp":NaN}'),
        MALFORMED,
    ),
    (
        "payload Infinity",
        lambda: payload_text(valid_payload_json(exp=DROP)[:-1] + ',"exp":Infinity}'),
        MALFORMED,
    ),
    (
        "payload 5000-digit number",
        lambda: payload_text(valid_payload_json(exp=DROP)[:-1] + ',"exp":' + "9" * 5000 + "}"),
        MALFORMED,
    ),
    # -- signature -------------------------------------------------------------------------
    ("flipped signature bit", lambda: tamper_signature(GOOD), BAD_SIG),
    ("empty signature", lambda: f"{H}.{P}.", BAD_SIG),
    ("truncated signature", lambda: f"{H}.{P}.{S[: len(S) - len(S) % 4 - 4]}", BAD_SIG),
    ("attacker key, our kid", lambda: mint(ATTACKER, kid="k1"), BAD_SIG),
    (
        "payload swapped under a good signature",
        lambda: f"{H}.{b64u_json(claims(sub='admin'))}.{S}",
        BAD_SIG,
    ),
    (
        "expired token with a bad signature",
        lambda: tamper_signature(with_claims(exp=now() - 3600)),
        BAD_SIG,
    ),
    (
        "wrong issuer with a bad signature",
        lambda: tamper_signature(with_claims(iss="https://evil")),
        BAD_SIG,
    ),
    # -- iss -------------------------------------------------------------------------------
    ("iss wrong", lambda: with_claims(iss="https://evil.example"), WRONG_ISS),
    ("iss a prefix", lambda: with_claims(iss=ISSUER[:-1]), WRONG_ISS),
    ("iss with a suffix", lambda: with_claims(iss=ISSUER + ".evil.example"), WRONG_ISS),
    ("iss trailing slash", lambda: with_claims(iss=ISSUER + "/"), WRONG_ISS),
    ("iss different case", lambda: with_claims(iss=ISSUER.upper()), WRONG_ISS),
    ("iss an array", lambda: with_claims(iss=[ISSUER]), WRONG_ISS),
    ("iss missing", lambda: with_claims(iss=DROP), WRONG_ISS),
    ("iss null", lambda: with_claims(iss=None), WRONG_ISS),
    # -- aud -------------------------------------------------------------------------------
    ("aud missing", lambda: with_claims(aud=DROP), WRONG_AUD),
    ("aud wrong", lambda: with_claims(aud="https://other.example"), WRONG_AUD),
    ("aud a prefix", lambda: with_claims(aud=AUDIENCE[:-1]), WRONG_AUD),
    ("aud list without ours", lambda: with_claims(aud=["https://a", "https://b"]), WRONG_AUD),
    ("aud empty list", lambda: with_claims(aud=[]), WRONG_AUD),
    ("aud a number", lambda: with_claims(aud=42), WRONG_AUD),
    ("aud null", lambda: with_claims(aud=None), WRONG_AUD),
    ("aud an object", lambda: with_claims(aud={"aud": AUDIENCE}), WRONG_AUD),
    ("aud list with ours and a number", lambda: with_claims(aud=[AUDIENCE, 1]), WRONG_AUD),
    ("aud nested list", lambda: with_claims(aud=[[AUDIENCE]]), WRONG_AUD),
    # -- time claims -------------------------------------------------------------------------
    ("exp missing", lambda: with_claims(exp=DROP), MALFORMED),
    ("exp a string", lambda: with_claims(exp=str(now() + 600)), MALFORMED),
    ("exp true", lambda: with_claims(exp=True), MALFORMED),
    ("exp null", lambda: with_claims(exp=None), MALFORMED),
    ("exp huge", lambda: with_claims(exp=10**30), MALFORMED),
    (
        "exp 1e400 (inf)",
        lambda: payload_text(valid_payload_json(exp=DROP)[:-1] + ',"exp":1e400}'),
        MALFORMED,
    ),
    ("exp negative", lambda: with_claims(exp=-1), MALFORMED),
    ("exp a list", lambda: with_claims(exp=[now() + 600]), MALFORMED),
    (
        "exp past",
        lambda: with_claims(exp=now() - 3600, iat=now() - 7200, nbf=now() - 7200),
        EXPIRED,
    ),
    ("exp just past the leeway", lambda: with_claims(exp=now() - 31), EXPIRED),
    ("nbf a string", lambda: with_claims(nbf=str(now())), MALFORMED),
    ("nbf false", lambda: with_claims(nbf=False), MALFORMED),
    ("nbf in the future", lambda: with_claims(nbf=now() + 3600), NOT_YET),
    ("iat missing", lambda: with_claims(iat=DROP), MALFORMED),
    ("iat a string", lambda: with_claims(iat="now"), MALFORMED),
    ("iat true", lambda: with_claims(iat=True), MALFORMED),
    ("iat in the future", lambda: with_claims(iat=now() + 3600), NOT_YET),
    # -- other claims ------------------------------------------------------------------------
    ("sub missing", lambda: with_claims(sub=DROP), MALFORMED),
    ("sub a number", lambda: with_claims(sub=7), MALFORMED),
    ("jti missing", lambda: with_claims(jti=DROP), MALFORMED),
    ("jti empty", lambda: with_claims(jti=""), MALFORMED),
    ("amr a string", lambda: with_claims(amr="pwd"), MALFORMED),
    ("amr with a number", lambda: with_claims(amr=["pwd", 2]), MALFORMED),
    ("role a list", lambda: with_claims(role=["owner"]), MALFORMED),
    ("tenant_id a number", lambda: with_claims(tenant_id=1), MALFORMED),
    ("mfa_at a string", lambda: with_claims(mfa_at="yesterday"), MALFORMED),
]


def noncanonical(token: str) -> str:
    head, payload, sig = token.split(".")
    # Find a segment whose last quantum has spare bits and set one of them.
    for index, seg in enumerate((head, payload, sig)):
        if len(seg) % 4 in (2, 3):
            alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
            bumped = seg[:-1] + alphabet[alphabet.index(seg[-1]) + 1]
            parts = [head, payload, sig]
            parts[index] = bumped
            return ".".join(parts)
    raise AssertionError("no segment with spare bits")


def test_corpus_is_big_enough() -> None:
    assert len(CORPUS) >= 40
    assert len({name for name, _, _ in CORPUS}) == len(CORPUS)


@pytest.mark.parametrize(("name", "build", "code"), CORPUS, ids=[c[0] for c in CORPUS])
def test_hostile_token_is_refused_with_its_code(
    name: str, build: Callable[[], Any], code: str
) -> None:
    token = build()
    with pytest.raises(RealmError) as caught:
        verifier().verify(token)
    err = caught.value
    assert err.code == code, f"{name}: {err!r}"
    # The token never appears in full in what the error prints.
    if isinstance(token, str) and len(token) > 20:
        signature = token.rsplit(".", 1)[-1]
        for text in (str(err), repr(err)):
            assert token not in text
            assert len(signature) < 16 or signature not in text


def test_the_good_token_verifies() -> None:
    assert verifier().verify(GOOD).sub == "user-1"


@pytest.mark.parametrize(
    ("name", "overrides"),
    [
        ("aud a list of one", lambda: {"aud": [AUDIENCE]}),
        ("aud a list with ours", lambda: {"aud": ["https://other", AUDIENCE]}),
        ("exp within the leeway", lambda: {"exp": now() - 20}),
        ("nbf within the leeway", lambda: {"nbf": now() + 20}),
        ("iat within the leeway", lambda: {"iat": now() + 20}),
        ("nbf absent", lambda: {"nbf": DROP}),
        ("fractional NumericDate", lambda: {"exp": now() + 600.5, "iat": float(now())}),
        ("amr empty", lambda: {"amr": []}),
        ("mfa_at zero", lambda: {"mfa_at": 0}),
    ],
)
def test_edge_shapes_that_are_fine(name: str, overrides: Callable[[], dict[str, Any]]) -> None:
    claims_ = verifier().verify(with_claims(**overrides()))
    assert AUDIENCE in claims_.aud


def test_jku_header_is_never_fetched() -> None:
    """A token pointing at a key server we run: no request ever reaches it."""
    with jwks_server() as evil:
        evil.serve([public_jwk(ATTACKER, "evil-kid"), public_jwk(ATTACKER, "k1")])
        forged_new_kid = mint(ATTACKER, kid="evil-kid", headers={"jku": evil.url})
        forged_our_kid = mint(ATTACKER, kid="k1", headers={"jku": evil.url, "x5u": evil.url})
        genuine = mint(KEY, kid="k1", headers={"jku": evil.url})
        v = verifier()
        with pytest.raises(RealmError) as caught:
            v.verify(forged_new_kid)
        assert caught.value.code == UNKNOWN_KID
        with pytest.raises(RealmError) as caught:
            v.verify(forged_our_kid)
        assert caught.value.code == BAD_SIG
        # A genuine token that happens to carry jku verifies by the configured keys only.
        assert v.verify(genuine).sub == "user-1"
        time.sleep(0.05)
        assert evil.count == 0


def test_hs256_with_a_secret_equal_to_nothing_known_is_still_wrong_algorithm() -> None:
    # There is no HMAC path at all, whatever the secret.
    for secret in (b"", b"k1", b"secret"):
        with pytest.raises(RealmError) as caught:
            verifier().verify(hs(secret))
        assert caught.value.code == WRONG_ALG


def test_order_alg_before_kid_and_crit() -> None:
    token = f"{b64u_json({'alg': 'none', 'crit': ['x']})}.{P}."
    with pytest.raises(RealmError) as caught:
        verifier().verify(token)
    assert caught.value.code == WRONG_ALG


def test_rs256_signature_by_pss_padding_is_bad_signature() -> None:
    # alg says RS256 but the bytes are a PSS signature: the padding mismatch is a forgery.
    signing_input = f"{H}.{P}".encode()
    sig = KEY.sign(
        signing_input,
        padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32),
        hashes.SHA256(),
    )
    with pytest.raises(RealmError) as caught:
        verifier().verify(f"{H}.{P}.{b64u(sig)}")
    assert caught.value.code == BAD_SIG


def test_verification_is_thread_safe_under_mixed_input() -> None:
    v = verifier()
    tokens = [GOOD, tamper_signature(GOOD), unsigned("none"), with_claims(aud="x")] * 50
    errors: list[BaseException] = []

    def run() -> None:
        for token in tokens:
            try:
                v.verify(token)
            except RealmError:
                pass
            except BaseException as exc:
                errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
