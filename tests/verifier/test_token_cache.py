"""The verifier's verified-token cache and ``verify_local``.

RSA verifications are counted with :class:`CountingJwksCache`: a real ``JwksCache`` over a
real loopback JWKS server (or the emulator's), whose ``lookup`` hands out one counting
wrapper per real ``RSAPublicKey`` (the same wrapper every time, so the cache's "same key
object" rule sees the key set exactly as the plain cache would). The wrapper's ``verify``
counts and then runs cryptography's real verify.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import attrs
import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from verifier_support import (
    AUDIENCE,
    ISSUER,
    FakeClock,
    JwksServer,
    claims,
    mint,
    public_jwk,
    rsa_key,
)

from realmid import testing
from realmid.errors import ErrorCode, RealmError, TokenRevokedError
from realmid.jwks import JwksCache, jwks_url
from realmid.revocation import MemRevocationCache
from realmid.verify import Claims, Verifier

NOW = 1_700_000_000.0


class CountingKey:
    def __init__(self, key: rsa.RSAPublicKey, counter: list[int]) -> None:
        self._key = key
        self._counter = counter

    def verify(self, *args: Any) -> None:
        self._counter[0] += 1
        self._key.verify(*args)


class CountingJwksCache(JwksCache):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rsa_calls = [0]
        self._wrappers: dict[int, tuple[rsa.RSAPublicKey, CountingKey]] = {}

    def lookup(self, kid: str, final: bool = False) -> Any:
        key = super().lookup(kid, final)
        if key is None:
            return None
        held = self._wrappers.get(id(key))
        if held is None or held[0] is not key:
            held = (key, CountingKey(key, self.rsa_calls))
            self._wrappers[id(key)] = held
        return held[1]

    @property
    def calls(self) -> int:
        return self.rsa_calls[0]


class Clock:
    """The verifier's unix clock, moved by hand."""

    def __init__(self, now: float = NOW) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client() as client:
        yield client


def token(jti: str = "jti-1", **overrides: Any) -> str:
    payload = claims(iat=int(NOW), nbf=int(NOW), exp=int(NOW) + 600, jti=jti, **overrides)
    return mint(payload=payload)


def setup(
    server: JwksServer, http: httpx.Client, **options: Any
) -> tuple[Verifier, CountingJwksCache, Clock]:
    server.serve([public_jwk(rsa_key(), "k1")])
    cache = CountingJwksCache(server.url, http, clock=FakeClock())
    clock = Clock()
    options.setdefault("revocation", MemRevocationCache(clock=clock))
    verifier = Verifier(ISSUER, AUDIENCE, jwks_cache=cache, clock=clock, **options)
    return verifier, cache, clock


def test_the_same_token_twice_costs_one_rsa_verify(server: JwksServer, http: httpx.Client) -> None:
    verifier, cache, _ = setup(server, http)
    tok = token()
    first = verifier.verify(tok)  # fetches the JWKS (NeedKeys -> resume), then caches
    assert cache.calls == 1
    second = verifier.verify(tok)
    third = verifier.verify(tok)
    assert cache.calls == 1
    assert first == second == third
    assert second.sub == "user-1"
    assert server.count == 1


def test_revoked_after_caching_is_refused(server: JwksServer, http: httpx.Client) -> None:
    verifier, cache, _ = setup(server, http)
    tok = token()
    got = verifier.verify(tok)
    verifier.verify(tok)
    assert cache.calls == 1  # served from the cache...
    verifier.revocation.revoke(got.jti, got.exp)
    with pytest.raises(TokenRevokedError):
        verifier.verify(tok)  # ...and still asked the revocation cache


def test_expired_after_caching_is_refused(server: JwksServer, http: httpx.Client) -> None:
    verifier, cache, clock = setup(server, http, leeway=30)
    tok = token()
    verifier.verify(tok)
    clock.now = NOW + 600 + 29  # inside the leeway: still served from the cache
    verifier.verify(tok)
    assert cache.calls == 1
    clock.now = NOW + 600 + 30
    with pytest.raises(RealmError) as caught:
        verifier.verify(tok)
    assert caught.value.code == ErrorCode.EXPIRED


def test_not_yet_valid_on_a_clock_moved_back_is_refused(
    server: JwksServer, http: httpx.Client
) -> None:
    verifier, _, clock = setup(server, http, leeway=30)
    tok = token()
    verifier.verify(tok)
    clock.now = NOW - 31  # nbf and iat are in the future again
    with pytest.raises(RealmError) as caught:
        verifier.verify(tok)
    assert caught.value.code == ErrorCode.NOT_YET_VALID


def test_another_audience_is_refused(server: JwksServer, http: httpx.Client) -> None:
    verifier, cache, _ = setup(server, http)
    tok = token()
    verifier.verify(tok, audience=AUDIENCE)
    with pytest.raises(RealmError) as caught:
        verifier.verify(tok, audience="https://other.example")
    assert caught.value.code == ErrorCode.WRONG_AUDIENCE
    # The refusal did not spoil the entry for the audience the token names.
    calls = cache.calls
    verifier.verify(tok, audience=AUDIENCE)
    assert cache.calls == calls


def test_refusals_are_never_cached(server: JwksServer, http: httpx.Client) -> None:
    verifier, cache, _ = setup(server, http)
    tok = token()
    for _ in range(3):
        with pytest.raises(RealmError) as caught:
            verifier.verify(tok, audience="https://other.example")
        assert caught.value.code == ErrorCode.WRONG_AUDIENCE
    assert cache.calls == 3  # every refusal redid the whole check


def test_the_size_bound_evicts_the_least_recently_used(
    server: JwksServer, http: httpx.Client
) -> None:
    verifier, cache, _ = setup(server, http, token_cache_size=2)
    t1, t2, t3 = token("j1"), token("j2"), token("j3")
    verifier.verify(t1)
    verifier.verify(t2)
    verifier.verify(t1)  # t1 is now the most recently used
    assert cache.calls == 2
    verifier.verify(t3)  # full: a token seen for the first time is not admitted
    verifier.verify(t1)
    verifier.verify(t2)
    assert cache.calls == 3
    verifier.verify(t3)  # seen again: admitted, and t1 (least recently used now) goes
    assert cache.calls == 4
    verifier.verify(t2)
    verifier.verify(t3)
    assert cache.calls == 4
    verifier.verify(t1)
    assert cache.calls == 5
    assert len(verifier._token_cache or ()) == 2


def test_a_scan_of_fresh_tokens_does_not_flush_the_sessions(
    server: JwksServer, http: httpx.Client
) -> None:
    verifier, cache, _ = setup(server, http, token_cache_size=4)
    sessions = [token(f"session-{i}") for i in range(4)]
    for tok in sessions:
        verifier.verify(tok)
    for i in range(40):  # forty valid tokens, each presented once
        verifier.verify(token(f"scan-{i}"))
    assert cache.calls == 44
    for tok in sessions:
        verifier.verify(tok)
    assert cache.calls == 44  # every session still served from the cache


def test_the_admission_memory_is_bounded(server: JwksServer, http: httpx.Client) -> None:
    verifier, _, _ = setup(server, http, token_cache_size=3)
    for i in range(3 + 25):
        verifier.verify(token(f"j{i}"))
    token_cache = verifier._token_cache
    assert token_cache is not None
    assert 0 < len(token_cache._seen) <= 3


def test_size_zero_turns_the_cache_off(server: JwksServer, http: httpx.Client) -> None:
    verifier, cache, _ = setup(server, http, token_cache_size=0)
    tok = token()
    for _ in range(3):
        verifier.verify(tok)
    assert cache.calls == 3


@pytest.mark.parametrize("size", [-1, True, 1.5, "10", 10**7])
def test_a_bad_size_is_refused(size: Any) -> None:
    with pytest.raises(RealmError) as caught:
        Verifier(ISSUER, AUDIENCE, jwks={"keys": []}, token_cache_size=size)
    assert caught.value.code == ErrorCode.BAD_REQUEST


def test_tokens_too_long_to_cache_still_verify(server: JwksServer, http: httpx.Client) -> None:
    verifier, cache, _ = setup(server, http)
    tok = token(padding="x" * 4000)
    assert len(tok) > 4096
    verifier.verify(tok)
    verifier.verify(tok)
    assert cache.calls == 2


def test_cached_claims_are_immutable(server: JwksServer, http: httpx.Client) -> None:
    verifier, _, _ = setup(server, http)
    tok = token(groups=["a", "b"], profile={"plan": "pro", "tags": ["x"]})
    first = verifier.verify(tok)
    with pytest.raises(TypeError):
        first.extra["groups"] = ["admin"]  # type: ignore[index]
    with pytest.raises(TypeError):
        first.extra["profile"]["plan"] = "enterprise"
    with pytest.raises(AttributeError):
        first.extra["groups"].append("admin")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        first.role = "owner"  # type: ignore[misc]
    second = verifier.verify(tok)
    assert second.extra["groups"] == ("a", "b")
    assert second.extra["profile"]["plan"] == "pro"
    assert second.extra["profile"]["tags"] == ("x",)
    assert second.extra["sid"] == "session-1"


def test_claims_built_by_hand_copy_their_extra() -> None:
    source: dict[str, Any] = {"email": "a@b.c"}
    built = Claims(iss=ISSUER, sub="u", aud=(AUDIENCE,), iat=1, exp=2, jti="j", extra=source)
    source["email"] = "evil@b.c"
    assert built.extra == {"email": "a@b.c"}


def test_concurrent_verifies_agree(server: JwksServer, http: httpx.Client) -> None:
    verifier, _, _ = setup(server, http, token_cache_size=8)
    tokens = [token(f"j{i}") for i in range(20)]  # more than fit: entries churn
    errors: list[BaseException] = []

    def work(offset: int) -> None:
        try:
            for round_ in range(30):
                tok = tokens[(offset + round_) % len(tokens)]
                assert verifier.verify(tok).jti == f"j{(offset + round_) % len(tokens)}"
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(verifier._token_cache or ()) <= 8


def test_no_token_in_the_reprs(server: JwksServer, http: httpx.Client) -> None:
    verifier, _, _ = setup(server, http)
    tok = token()
    verifier.verify(tok)
    signature = tok.rsplit(".", 1)[1]
    for text in (repr(verifier), repr(verifier._token_cache)):
        assert signature not in text
        assert tok not in text


# ------------------------------------------------------------------ key rotation (emulator)


@pytest.fixture(scope="module")
def emu() -> Iterator[testing.RealmEmulator]:
    # Its own instance: rotating keys would disturb the session-wide one.
    with testing.RealmEmulator() as emulator:
        yield emulator


def test_a_retired_key_stops_its_cached_tokens(emu: testing.RealmEmulator) -> None:
    tenant = emu.create_tenant("Token Cache Co")
    user = emu.seed_user("token-cache@example.test", {tenant: "member"})
    jwks_clock = FakeClock()
    with httpx.Client() as http:
        cache = CountingJwksCache(jwks_url(emu.base_url), http, clock=jwks_clock)
        verifier = Verifier(emu.base_url, emu.audience, jwks_cache=cache, clock=emu.now)
        old = str(emu.session_for(user.id, tenant)["access_token"])
        verifier.verify(old)
        verifier.verify(old)
        assert cache.calls == 1  # cached

        jwks_clock.advance(31)
        emu.rotate_keys()
        new = str(emu.session_for(user.id, tenant)["access_token"])
        assert verifier.verify(new).sub == user.id  # fetches the set with the new key
        # The refetched set holds new key objects: the cached entry of `old` is not
        # trusted across it; one full verify re-proves it against the new set.
        calls = cache.calls
        assert verifier.verify(old).sub == user.id
        assert cache.calls == calls + 1
        verifier.verify(old)
        assert cache.calls == calls + 1  # cached again, under the new set's key object

        emu.retire_old_keys()
        jwks_clock.advance(301)  # the set expires; the next lookup refetches
        with pytest.raises(RealmError) as caught:
            verifier.verify(old)
        assert caught.value.code == ErrorCode.UNKNOWN_KID
        with pytest.raises(RealmError) as caught:
            verifier.verify(old)  # and stays refused
        assert caught.value.code == ErrorCode.UNKNOWN_KID
        assert verifier.verify(new).sub == user.id


def test_a_key_gone_from_a_refetched_set_refuses_at_once(
    server: JwksServer, http: httpx.Client
) -> None:
    """The same rule without an emulator: the served set drops k1 for k2."""
    verifier, cache, _ = setup(server, http)
    jwks_clock = cache._clock
    tok = token()
    verifier.verify(tok)
    server.serve([public_jwk(rsa_key(1), "k2")])
    assert isinstance(jwks_clock, FakeClock)
    jwks_clock.advance(301)
    with pytest.raises(RealmError) as caught:
        verifier.verify(tok)
    assert caught.value.code == ErrorCode.UNKNOWN_KID


# ------------------------------------------------------------------------ verify_local


class SyncOnlyCache:
    """A revocation cache with no is_revoked_locally: counts as needing I/O."""

    def __init__(self) -> None:
        self.asked = 0

    def revoke(self, jti: str, expires_at: float) -> None:
        pass

    def is_revoked(self, jti: str) -> bool:
        self.asked += 1
        return False


def test_verify_local_with_keys_in_hand_and_a_memory_cache(
    server: JwksServer, http: httpx.Client
) -> None:
    verifier, cache, _ = setup(server, http, token_cache_size=0)
    verifier.verify(token("warm"))  # keys fetched
    fetches = server.count
    got = verifier.verify_local(token("other"))
    assert isinstance(got, Claims)
    assert got.jti == "other"
    assert cache.calls == 2  # a real verify (no token cache here), no fetch
    assert server.count == fetches


def test_verify_local_from_the_token_cache(server: JwksServer, http: httpx.Client) -> None:
    verifier, cache, _ = setup(server, http)
    tok = token()
    verifier.verify(tok)
    got = verifier.verify_local(tok)
    assert got is not None
    assert got.jti == "jti-1"
    assert cache.calls == 1


def test_verify_local_unknown_kid_needs_io_and_fetches_nothing(
    server: JwksServer, http: httpx.Client
) -> None:
    verifier, cache, _ = setup(server, http)
    verifier.verify(token())
    fetches = server.count
    jwks_clock = cache._clock
    assert isinstance(jwks_clock, FakeClock)
    jwks_clock.advance(31)  # past the refetch cooldown: verify() would fetch for k9
    assert (
        verifier.verify_local(
            mint(kid="k9", payload=claims(iat=int(NOW), nbf=int(NOW), exp=int(NOW) + 600))
        )
        is None
    )
    assert server.count == fetches
    cold, _, _ = setup(server, http)  # no keys fetched at all yet
    assert cold.verify_local(token()) is None
    assert server.count == fetches


def test_verify_local_without_a_local_answer_is_none(
    server: JwksServer, http: httpx.Client
) -> None:
    revocation = SyncOnlyCache()
    verifier, _, _ = setup(server, http, revocation=revocation)
    tok = token()
    verifier.verify(tok)
    assert verifier.verify_local(tok) is None
    assert revocation.asked == 1  # only verify() asked; verify_local did no I/O
    # Not even the token is looked at: the caller's full verify does all the work once.
    assert verifier.verify_local("not.a.token") is None


def test_verify_local_with_no_revocation_cache(server: JwksServer, http: httpx.Client) -> None:
    verifier, _, _ = setup(server, http, revocation=None)
    tok = token()
    verifier.verify(tok)
    assert verifier.verify_local(tok) is not None


def test_verify_local_refusals_raise(server: JwksServer, http: httpx.Client) -> None:
    verifier, _, clock = setup(server, http)
    tok = token()
    got = verifier.verify(tok)
    with pytest.raises(RealmError) as caught:
        verifier.verify_local(tok, audience="https://other.example")
    assert caught.value.code == ErrorCode.WRONG_AUDIENCE
    verifier.revocation.revoke(got.jti, got.exp)
    with pytest.raises(TokenRevokedError):
        verifier.verify_local(tok)
    clock.now = NOW + 10_000
    with pytest.raises(RealmError) as caught:
        verifier.verify_local(token("fresh"))
    assert caught.value.code == ErrorCode.EXPIRED


class LocalAnswers:
    def __init__(self, answer: Any) -> None:
        self.answer = answer

    def revoke(self, jti: str, expires_at: float) -> None:
        pass

    def is_revoked(self, jti: str) -> bool:
        return False

    def is_revoked_locally(self, jti: str) -> Any:
        if isinstance(self.answer, BaseException):
            raise self.answer
        return self.answer


@pytest.mark.parametrize(
    ("answer", "outcome"),
    [
        (None, "none"),
        (False, "claims"),
        (True, "revoked"),
        ("no", "server_error"),
        (OSError("down"), "server_error"),
    ],
)
def test_verify_local_reads_the_local_answer_strictly(
    server: JwksServer, http: httpx.Client, answer: Any, outcome: str
) -> None:
    verifier, _, _ = setup(server, http, revocation=LocalAnswers(answer))
    tok = token()
    verifier.verify(tok)  # keys in hand (its own is_revoked says False)
    if outcome == "none":
        assert verifier.verify_local(tok) is None
    elif outcome == "claims":
        assert verifier.verify_local(tok) is not None
    elif outcome == "revoked":
        with pytest.raises(TokenRevokedError):
            verifier.verify_local(tok)
    else:
        with pytest.raises(RealmError) as caught:
            verifier.verify_local(tok)
        assert caught.value.code == ErrorCode.SERVER_ERROR
        assert caught.value.details["revocation_unavailable"] is True


def test_mem_cache_answers_locally() -> None:
    cache = MemRevocationCache(clock=lambda: 1_000.0)
    cache.revoke("j1", 2_000.0)
    assert cache.is_revoked_locally("j1") is True
    assert cache.is_revoked_locally("j2") is False


def test_read_only_extra_still_serializes_and_copies_as_json() -> None:
    import copy
    import json
    import pickle

    from realmid.verify import Claims

    claims = Claims(
        iss="i", sub="s", aud=("a",), iat=1, exp=2, jti="j", extra={"p": {"t": ["x"]}, "n": 1}
    )
    assert json.loads(json.dumps(claims.extra)) == {"p": {"t": ["x"]}, "n": 1}
    assert isinstance(claims.extra, dict)
    for changed in (
        dict(claims.extra),
        copy.deepcopy(claims.extra),
        pickle.loads(pickle.dumps(claims.extra)),
    ):
        assert changed == claims.extra
    mutable = dict(claims.extra)
    mutable["n"] = 2
    assert claims.extra["n"] == 1
    for mutate in (
        lambda: claims.extra.update(n=3),
        lambda: claims.extra.pop("n"),
        lambda: claims.extra.setdefault("z", 1),
        lambda: claims.extra.clear(),
        lambda: claims.extra["p"].update(t=()),
    ):
        with pytest.raises(TypeError):
            mutate()
    assert claims.extra == {"p": {"t": ("x",)}, "n": 1}
