"""realmid._jose decodes through C fast paths (pybase64, msgspec); these properties pin them
to the plain definitions they replace, so speed never changes what is accepted."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from realmid import _jose

SETTINGS = settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_B64URL = re.compile(rb"[A-Za-z0-9_-]*")


def reference_b64url(segment: bytes) -> bytes | None:
    """RFC 7515 base64url, spelled out: its alphabet only, no padding, and the one
    canonical spelling of the bytes (re-encoding gives the segment back)."""
    if not _B64URL.fullmatch(segment) or len(segment) % 4 == 1:
        return None
    decoded = base64.urlsafe_b64decode(segment + b"=" * (-len(segment) % 4))
    return decoded if base64.urlsafe_b64encode(decoded).rstrip(b"=") == segment else None


@SETTINGS
@given(st.binary(max_size=40) | st.text("AQgwaZz09-_+/= \n.\x00é", max_size=40).map(str.encode))
@example(b"aGk")  # canonical
@example(b"aGl")  # nonzero trailing bits
@example(b"aGk=")  # padded
@example(b"a+k/")  # the standard alphabet
@example(b"aG k")  # whitespace
def test_base64url_is_exactly_the_reference(segment: bytes) -> None:
    assert _jose.b64url_decode(segment) == reference_b64url(segment)


# JSON documents as text, built from (name, value) pairs so that names can repeat, with the
# separators and escaping an issuer might choose.
_names = st.sampled_from(["sub", "a", "é", "x y", 'q"', "\u2028"]) | st.text(max_size=4)
_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=6)
)
_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=3).map(lambda items: ("list", items))
        | st.lists(st.tuples(_names, inner), max_size=4).map(lambda pairs: ("object", pairs))
    ),
    max_leaves=12,
)


def _text(value: Any, sep: tuple[str, str], ascii_only: bool) -> str:
    if isinstance(value, tuple) and value[0] == "list":
        return "[" + sep[0].join(_text(item, sep, ascii_only) for item in value[1]) + "]"
    if isinstance(value, tuple) and value[0] == "object":
        members = (
            json.dumps(name, ensure_ascii=ascii_only) + sep[1] + _text(item, sep, ascii_only)
            for name, item in value[1]
        )
        return "{" + sep[0].join(members) + "}"
    return json.dumps(value, ensure_ascii=ascii_only)


_documents = st.builds(
    _text,
    st.lists(st.tuples(_names, _values), max_size=5).map(lambda pairs: ("object", pairs)),
    st.sampled_from([(",", ":"), (", ", ": "), (",", " :")]),
    st.booleans(),
).map(str.encode)


@SETTINGS
@given(_documents | st.binary(max_size=30))
@example(b'{"a":1,"a":2}')
@example(b'{"a":[{"b":1,"b":1}]}')
@example(b'{"sub":"x","s\\u0075b":"y"}')
@example(b'{"a":"\\ud800"}')
@example(b'{"a":1e400}')
@example(b'{"a":-0}')
@example(b'{"a":NaN}')
@example(b'{"a":1} x')
def test_json_objects_are_exactly_the_strict_parser(data: bytes) -> None:
    # repr: 1 and 1.0 (and True) are equal in Python but not the same claim value.
    assert repr(_jose.strict_json_object(data)) == repr(_jose._strict_json_object(data))


def test_compact_documents_take_the_fast_path_and_the_rest_do_not() -> None:
    # What an issuer's JSON encoder writes is answered by msgspec alone: if this stopped,
    # every fresh token would pay for the pure-Python parser again, silently.
    compact = b'{"sub":"01HZ","aud":["a","b"],"exp":1796158617,"mfa_at":1.5,"x":{"y":null}}'
    assert _jose._compact_json_object(compact) == json.loads(compact)
    for other in (
        b'{"sub": "01HZ"}',  # whitespace
        b'{"sub":"\\u0030"}',  # an escape that needs none
        b'{"x":{"a":1,"a":2}}',  # a duplicate: decoded shorter than written
        b'{"exp":1e9}',  # a float spelled another way
    ):
        assert _jose._compact_json_object(other) is None, other
