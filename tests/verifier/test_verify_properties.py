"""Property tests: for any input the verifier raises RealmError or returns Claims, and a
changed token never verifies."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from verifier_support import AUDIENCE, ISSUER, claims, mint, public_jwk, rsa_key

from realmid.errors import RealmError
from realmid.verify import Claims, Verifier, unverified_claims

KEY = rsa_key(0)
VERIFIER = Verifier(ISSUER, AUDIENCE, jwks={"keys": [public_jwk(KEY, "k1")]})
GOOD = mint(KEY, payload=claims(exp=int(time.time()) + 365 * 86_400))  # outlives any run
SEGMENTS = GOOD.split(".")
B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def outcome(token: Any) -> Claims | RealmError:
    """Verify; anything but Claims or RealmError fails the test by propagating."""
    try:
        return VERIFIER.verify(token)
    except RealmError as err:
        return err


@SETTINGS
@given(st.text(max_size=600))
@example("")
@example("..")
@example("a.b.c")
@example(GOOD + ".")
@example("x.e30.y")  # a payload of {} under a junk header and signature
@example(f"{SEGMENTS[0]}.WzFd.{SEGMENTS[2]}")  # a payload of [1]: JSON, but not an object
def test_arbitrary_text_is_refused(text: str) -> None:
    assume(text != GOOD)
    assert isinstance(outcome(text), RealmError)
    # unverified_claims never raises, and answers either None or exactly the object in the
    # middle segment of a three-segment token: never claims it made up or read elsewhere.
    assert unverified_claims(text) == payload_object(text)


def payload_object(text: str) -> dict[str, Any] | None:
    """An independent reading of what unverified_claims must answer."""
    parts = text.split(".")
    if len(parts) != 3 or not text.isascii() or not parts[1] or len(parts[1]) % 4 == 1:
        return None
    segment = parts[1]
    if set(segment) - set(B64URL):
        return None
    raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    if base64.urlsafe_b64encode(raw).rstrip(b"=").decode() != segment:
        return None  # non-canonical trailing bits
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


@SETTINGS
@given(
    payload=st.dictionaries(st.text(max_size=12), st.none() | st.integers() | st.text(max_size=20)),
    header=st.text(alphabet=B64URL, max_size=40),
    signature=st.text(alphabet=B64URL, max_size=40),
)
def test_unverified_claims_reads_the_payload_of_any_compact_token(
    payload: dict[str, Any], header: str, signature: str
) -> None:
    segment = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()
    token = f"{header}.{segment}.{signature}"
    assert unverified_claims(token) == payload
    assert unverified_claims(token.encode()) == payload
    assert unverified_claims(f"{token}.") is None  # four segments
    assert unverified_claims(GOOD) == json.loads(
        base64.urlsafe_b64decode(SEGMENTS[1] + "=" * (-len(SEGMENTS[1]) % 4))
    )


@SETTINGS
@given(st.binary(max_size=600))
def test_arbitrary_bytes_as_text_are_refused(data: bytes) -> None:
    for text in (data.decode("latin-1"), data.decode("utf-8", "replace")):
        assert isinstance(outcome(text), RealmError)
    assert isinstance(outcome(data), RealmError)


@SETTINGS
@given(st.lists(st.text(alphabet=B64URL + ".=+/ ", max_size=80), min_size=1, max_size=5))
def test_token_shaped_noise_is_refused(parts: list[str]) -> None:
    assert isinstance(outcome(".".join(parts)), RealmError)


@SETTINGS
@given(st.dictionaries(st.text(max_size=12), st.none() | st.integers() | st.text(max_size=20)))
def test_arbitrary_json_headers_never_verify(header: dict[str, Any]) -> None:
    segment = base64.urlsafe_b64encode(json.dumps(header).encode()).rstrip(b"=").decode()
    token = f"{segment}.{SEGMENTS[1]}.{SEGMENTS[2]}"
    assume(token != GOOD)
    assert isinstance(outcome(token), RealmError)


MUTATIONS = st.sampled_from(["flip", "insert", "delete", "replace"])


@SETTINGS
@given(
    segment=st.integers(0, 2),
    mutation=MUTATIONS,
    position=st.integers(0, 10_000),
    char=st.sampled_from(B64URL + ".=+/ \n\x00é"),
    repeats=st.integers(1, 3),
)
def test_mutated_token_never_verifies_unless_unchanged(
    segment: int, mutation: str, position: int, char: str, repeats: int
) -> None:
    parts = list(SEGMENTS)
    for _ in range(repeats):
        seg = parts[segment]
        i = position % (len(seg) + 1)
        if mutation == "flip" and seg:
            i = min(i, len(seg) - 1)
            index = B64URL.find(seg[i])
            flipped = B64URL[(index ^ (1 << (position % 6))) % 64] if index >= 0 else "A"
            seg = seg[:i] + flipped + seg[i + 1 :]
        elif mutation == "insert":
            seg = seg[:i] + char + seg[i:]
        elif mutation == "delete" and seg:
            i = min(i, len(seg) - 1)
            seg = seg[:i] + seg[i + 1 :]
        elif mutation == "replace" and seg:
            i = min(i, len(seg) - 1)
            seg = seg[:i] + char + seg[i + 1 :]
        parts[segment] = seg
    token = ".".join(parts)
    result = outcome(token)
    if token == GOOD:
        assert isinstance(result, Claims)
    else:
        assert isinstance(result, RealmError), f"mutated token verified: {result!r}"


@SETTINGS
@given(st.binary(min_size=1, max_size=300), st.integers(0, 2))
def test_any_segment_replaced_by_other_bytes_never_verifies(data: bytes, segment: int) -> None:
    parts = list(SEGMENTS)
    parts[segment] = base64.urlsafe_b64encode(data).rstrip(b"=").decode()
    token = ".".join(parts)
    assume(token != GOOD)
    assert isinstance(outcome(token), RealmError)
