"""``realmid verify`` on a good token and on every verifier failure code; ``decode``."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable

from click.testing import Result

from realmid._jose import unverified_claims
from realmid._sync.realm import Realm
from realmid.cli import Exit, State
from realmid.revocation import MemRevocationCache
from realmid.testing import RealmEmulator
from tests.cli.conftest import Run, emulator_env

MintToken = Callable[[], tuple[str, str, str]]


def _b64(data: dict[str, object]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _refused(result: Result, code: str, token: str, exit_code: Exit = Exit.TOKEN_REFUSED) -> str:
    """The reason of a refusal, after the checks every refusal must pass."""
    assert result.exit_code == exit_code, (result.stdout, result.stderr)
    assert f"realmid: {code}: " in result.stderr
    # The token never comes back, in any stream (a pasted token must not be echoed).
    assert token not in result.stdout
    assert token not in result.stderr
    reason = [line for line in result.stderr.splitlines() if line.startswith("  reason: ")]
    assert len(reason) == 1, result.stderr
    return reason[0].removeprefix("  reason: ")


def test_a_good_token_prints_its_claims_and_exits_0(run: Run, user_token: MintToken) -> None:
    token, user_id, tenant = user_token()
    claims = run.json("verify", token)
    assert claims["sub"] == user_id
    assert claims["tenant_id"] == tenant
    assert claims["role"] == "owner"
    assert claims["email"].startswith("token-user-")  # an extra claim, flattened in
    table = run("verify", token)
    assert table.exit_code == 0, table.stderr
    assert "VERIFIED" in table.stdout
    assert user_id in table.stdout
    assert " UTC, in " in table.stdout  # exp shown as UTC and relative
    assert token not in table.stdout


def test_a_token_on_stdin_with_a_bearer_prefix(run: Run, user_token: MintToken) -> None:
    token, user_id, _ = user_token()
    claims = run.json("verify", "-", input=f"Bearer {token}\n")
    assert claims["sub"] == user_id


def test_a_flipped_signature_bit_is_bad_signature(run: Run, user_token: MintToken) -> None:
    token, _, _ = user_token()
    head, payload, signature = token.split(".")
    middle = len(signature) // 2
    flipped = "B" if signature[middle] == "A" else "A"
    forged = f"{head}.{payload}.{signature[:middle]}{flipped}{signature[middle + 1 :]}"
    reason = _refused(run("verify", forged), "bad_signature", forged)
    kid = json.loads(base64.urlsafe_b64decode(head + "==="))["kid"]
    assert f"does not verify under key {kid}" in reason


def test_expired_says_how_long_ago_and_the_leeway(
    run: Run, user_token: MintToken, emulator: RealmEmulator
) -> None:
    token, _, _ = user_token()
    exp = (unverified_claims(token) or {})["exp"]
    result = run("verify", token, state=State(clock=lambda: exp + 192.0))
    reason = _refused(result, "expired", token)
    assert reason.startswith("expired 3 min 12 s ago (exp ")
    assert reason.endswith("with leeway 30 s")
    # --leeway widens the window: 200 s of leeway accepts the same token at the same time.
    ok = run("verify", token, "--leeway", "200", "--json", state=State(clock=lambda: exp + 192.0))
    assert ok.exit_code == 0, ok.stderr


def test_expired_after_the_emulator_clock_moves(
    run: Run, user_token: MintToken, emulator: RealmEmulator
) -> None:
    token, _, _ = user_token()
    emulator.advance(7 * 24 * 3600)
    reason = _refused(run("verify", token, state=State(clock=emulator.now)), "expired", token)
    # A week on, minus the token's lifetime (minutes): the two largest units.
    assert reason.startswith("expired 6 d 23 h ago (exp ")


def test_not_yet_valid_names_the_start(run: Run, user_token: MintToken) -> None:
    token, _, _ = user_token()
    iat = (unverified_claims(token) or {})["iat"]
    result = run("verify", token, state=State(clock=lambda: iat - 600.0))
    reason = _refused(result, "not_yet_valid", token)
    assert "in 10 min" in reason
    assert "with leeway 30 s" in reason


def test_another_realms_token_is_wrong_audience(
    run: Run, emulator: RealmEmulator, realm_emulator: RealmEmulator
) -> None:
    # Same issuer, same keys, another realm: only the audience tells them apart.
    other = realm_emulator.using_realm(realm_emulator.add_realm("Other CLI Realm"))
    tenant = other.create_tenant("Elsewhere")
    user = other.seed_user("elsewhere@example.test", {tenant: "owner"})
    token = str(other.session_for(user.id, tenant)["access_token"])
    ours = Realm(realm_id=emulator.realm_id, api_key=emulator.api_key, base_url=emulator.base_url)
    with ours:
        audience = ours.info().audience
    theirs = (unverified_claims(token) or {})["aud"]
    reason = _refused(run("verify", token), "wrong_audience", token)
    assert reason == f"audience {theirs} is not this realm's {audience}"


def test_an_explicit_audience_is_required(run: Run, user_token: MintToken) -> None:
    token, _, _ = user_token()
    reason = _refused(
        run("verify", token, "--audience", "https://x.example"), "wrong_audience", token
    )
    assert reason.endswith("is not the required https://x.example (--audience)")


def test_another_issuer_is_wrong_issuer(
    run: Run, user_token: MintToken, emulator: RealmEmulator
) -> None:
    token, _, _ = user_token()
    # The same server under another name: same JWKS, so the signature passes, but the
    # token's iss is 127.0.0.1's, not localhost's.
    other_name = emulator.base_url.replace("127.0.0.1", "localhost")
    result = run("verify", token, env={"REALMID_BASE_URL": other_name})
    reason = _refused(result, "wrong_issuer", token)
    assert reason == f"issuer {emulator.base_url} is not this realm's issuer {other_name}"


def test_an_hs256_header_is_wrong_algorithm(run: Run, user_token: MintToken) -> None:
    token, _, _ = user_token()
    head, payload, signature = token.split(".")
    header = json.loads(base64.urlsafe_b64decode(head + "==="))
    forged = f"{_b64({**header, 'alg': 'HS256'})}.{payload}.{signature}"
    reason = _refused(run("verify", forged), "wrong_algorithm", forged)
    assert reason.startswith("alg HS256 is not RS256")


def test_garbage_is_malformed(run: Run) -> None:
    result = run("verify", "not-a-token-at-all")
    _refused(result, "malformed", "not-a-token-at-all")


def test_a_retired_key_is_unknown_kid_naming_both_kids() -> None:
    # Key rotation is shared emulator state: this test runs its own emulator.
    with RealmEmulator() as emu:
        tenant = emu.create_tenant("Rotating")
        user = emu.seed_user("rot@example.test", {tenant: "owner"})
        token = str(emu.session_for(user.id, tenant)["access_token"])
        old = emu.signing_kid
        new = emu.rotate_keys()
        emu.retire_key(old)
        reason = _refused(Run(emulator_env(emu))("verify", token), "unknown_kid", token)
        assert reason == f"kid {old} not in the JWKS, which holds {new}"


def test_unreachable_keys_are_jwks_fetch_failed_exit_5(
    run: Run, user_token: MintToken, emulator: RealmEmulator
) -> None:
    token, _, _ = user_token()
    # Credential-free mode (--audience, no API key) against a port nobody listens on.
    env = {"REALMID_API_KEY": None, "REALMID_BASE_URL": "http://127.0.0.1:9"}
    result = run("verify", token, "--audience", "https://x.example", env=env)
    reason = _refused(result, "jwks_fetch_failed", token, Exit.UNREACHABLE)
    assert "could not be fetched" in reason


def test_a_logged_out_token_is_revoked(run: Run, emulator: RealmEmulator) -> None:
    tenant = emulator.create_tenant("Revoking")
    user = emulator.seed_user("gone@example.test", {tenant: "owner"})
    session = emulator.session_for(user.id, tenant)
    token = str(session["access_token"])
    cache = MemRevocationCache()
    # A BFF's logout parks the access token in the shared revocation cache.
    with Realm(
        realm_id=emulator.realm_id,
        api_key=emulator.api_key,
        base_url=emulator.base_url,
        revocation=cache,
    ) as app:
        app.auth.logout(str(session["refresh_token"]), access_token=token)
    assert len(cache) == 1
    result = run("verify", token, "--json", state=State(revocation=cache))
    reason = _refused(result, "token_revoked", token)
    jti = (unverified_claims(token) or {})["jti"]
    assert reason.startswith(f"token {jti} was revoked")
    # --json: stdout is one JSON document naming the code, the reason and the token's jti.
    error = json.loads(result.stdout)["error"]
    assert error["code"] == "token_revoked"
    assert error["jti"] == jti
    assert error["sub"] == user.id
    # Without the cache's entry the same token verifies: the refusal came from it.
    assert run("verify", token).exit_code == 0


def test_verify_without_credentials_given_an_audience(run: Run, user_token: MintToken) -> None:
    token, user_id, _ = user_token()
    claims_aud = (unverified_claims(token) or {})["aud"]
    claims = run.json("verify", token, "--audience", claims_aud, env={"REALMID_API_KEY": None})
    assert claims["sub"] == user_id


def test_verify_with_neither_key_nor_audience_names_the_variable(
    run: Run, user_token: MintToken
) -> None:
    token, _, _ = user_token()
    result = run("verify", token, env={"REALMID_API_KEY": None})
    assert result.exit_code == Exit.CONFIG
    assert "REALMID_API_KEY is not set" in result.stderr
    assert "--audience" in result.stderr


def test_decode_is_marked_not_verified_and_needs_nothing(
    run: Run, user_token: MintToken, emulator: RealmEmulator
) -> None:
    token, user_id, _ = user_token()
    bare = dict.fromkeys(("REALMID_REALM_ID", "REALMID_API_KEY", "REALMID_BASE_URL"))
    exp = (unverified_claims(token) or {})["exp"]
    result = run("decode", token, env=bare, state=State(clock=lambda: exp - 720.0))
    assert result.exit_code == 0, result.stderr
    assert "NOT VERIFIED" in result.stdout
    assert user_id in result.stdout
    assert "UTC, in 12 min" in result.stdout  # exp, 12 minutes ahead of the given clock
    assert token not in result.stdout
    document = run.json("decode", token, env=bare, state=State(clock=lambda: exp - 720.0))
    assert document["verified"] is False
    assert document["payload"]["sub"] == user_id
    assert document["header"]["alg"] == "RS256"
    assert document["times"]["exp"]["relative"] == "in 12 min"


def test_decode_refuses_garbage_with_exit_4(run: Run) -> None:
    result = run("decode", "a.b")
    assert result.exit_code == Exit.TOKEN_REFUSED
    assert "realmid: malformed: " in result.stderr
