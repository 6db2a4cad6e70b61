"""``realmid verify`` and ``realmid decode``: why a token is accepted or refused.

``verify`` checks a token locally exactly as ``realm.verify`` does (signature against the
issuer's JWKS, ``iss``, ``aud``, ``azp``, times with the leeway, the revocation cache):

- with an API key, through a :class:`realmid.Realm`, the audience read from
  ``realm.info()`` unless ``--audience`` names it;
- without one, given ``--audience``, through a :class:`realmid.verify.Verifier` on the
  issuer's public JWKS: no credential at all is needed to check a token.

``decode`` verifies nothing and needs nothing; it says so on every output. Neither command
prints the token: a pasted access token must not end up in a terminal's scrollback twice.
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, Any

import attrs
import click

from realmid._config import DEFAULT_BASE_URL
from realmid.cli._app import State, begin, json_option, pass_state
from realmid.cli.failures import CliFailure, Exit, missing_setting
from realmid.cli.output import Output, cell, relative, utc
from realmid.cli.reasons import explain, unverified_parts
from realmid.errors import ErrorCode, RealmError
from realmid.revocation import DEFAULT_REDIS_PREFIX
from realmid.verify import DEFAULT_LEEWAY, Claims, Verifier

if TYPE_CHECKING:
    from realmid._sync.realm import Realm
    from realmid.revocation import RevocationCache

# Claims that hold unix seconds: shown as UTC and relative to now.
TIME_CLAIMS = ("exp", "iat", "nbf", "mfa_at", "auth_time")


def read_token(given: str) -> str:
    """The token argument, or stdin for ``-``; whitespace and a ``Bearer`` prefix dropped."""
    text = sys.stdin.read() if given == "-" else given
    text = text.strip()
    if text[:7].lower() == "bearer ":
        text = text[7:].strip()
    if not text:
        raise CliFailure(str(ErrorCode.MALFORMED), "no token given", Exit.USAGE)
    return text


def claims_document(claims: Claims) -> dict[str, Any]:
    """The verified claims as one flat JSON object (modelled claims, then the rest)."""
    data = attrs.asdict(claims, recurse=False)
    extra = dict(data.pop("extra"))
    return {**data, **extra}


def _time_rows(payload: dict[str, Any], now: float) -> dict[str, dict[str, str]]:
    times: dict[str, dict[str, str]] = {}
    for name in TIME_CLAIMS:
        value = payload.get(name)
        if isinstance(value, int | float) and not isinstance(value, bool) and value:
            times[name] = {"utc": utc(value), "relative": relative(value, now)}
    return times


def _show_claims(out: Output, title: str, payload: dict[str, Any], now: float) -> None:
    times = _time_rows(payload, now)
    from rich.table import Table

    table = Table(title=title, show_header=False, title_justify="left")
    table.add_column("claim", style="bold")
    table.add_column("value")
    for key, value in payload.items():
        shown = cell(value)
        if key in times:
            shown = f"{value}  ({times[key]['utc']}, {times[key]['relative']})"
        table.add_row(key, shown)
    out.out.print(table)


class _Check:
    """One verification: the verify function and what the explanation needs to know."""

    def __init__(self, state: State, audience: str | None, leeway: float) -> None:
        self.leeway = leeway
        self.audience_given = audience is not None
        self.clock = state.clock or time.time
        self.issuer = state.base_url or DEFAULT_BASE_URL
        self._realm: Realm | None = None
        self._verifier: Verifier | None = None
        if state.api_key:
            realm = state.realm(leeway=leeway)
            self.issuer = realm.base_url
            # The same default realm.verify takes: this realm's audience from its info.
            self.audience = audience or (realm.info().audience or "")
            self._realm = realm
        elif audience:
            import httpx

            from realmid.jwks import JwksCache, jwks_url

            client = httpx.Client(timeout=state.timeout or 30.0)
            click.get_current_context().call_on_close(client.close)
            self.audience = audience
            self._cache = JwksCache(jwks_url(self.issuer), client)
            self._verifier = Verifier(
                self.issuer,
                audience,
                jwks_cache=self._cache,
                leeway=leeway,
                clock=state.clock,
                revocation=state.revocation,
                realm_id=state.realm_id or None,
            )
        else:
            raise missing_setting(
                "REALMID_API_KEY",
                "--api-key, or give --audience to verify without credentials",
                "verify reads this realm's audience with it",
            )

    def verify(self, token: str) -> Claims:
        if self._realm is not None:
            return self._realm.verify(token, self.audience or None)
        assert self._verifier is not None
        return self._verifier.verify(token)

    def kids(self) -> frozenset[str]:
        if self._realm is not None:
            return self._realm._jwks.kids
        return self._cache.kids


def redis_revocation(url: str, prefix: str, timeout: float) -> RevocationCache:
    """The revocation cache a fleet shares in Redis, read with a short deadline.

    No near cache: one command makes one check, so a listener thread would only cost a
    subscription. No retries: a stalled Redis fails the check (exit 5), it does not hang.
    """
    try:
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry
    except ModuleNotFoundError as exc:
        from realmid._extras import missing_extra

        message = str(missing_extra(exc, "redis", "realmid verify --redis-url"))
        raise CliFailure(str(ErrorCode.BAD_REQUEST), message, Exit.CONFIG) from None
    from realmid.revocation import RedisRevocationCache

    client = redis.Redis.from_url(
        url,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        retry=Retry(NoBackoff(), 0),
    )
    cache = RedisRevocationCache(client, prefix, timeout=timeout, near_cache=False)
    ctx = click.get_current_context()
    ctx.call_on_close(client.close)
    ctx.call_on_close(cache.close)
    return cache


@click.command()
@click.argument("token")
@click.option("--audience", help="The audience to require (default: this realm's).")
@click.option(
    "--leeway",
    type=click.FloatRange(min=0),
    default=DEFAULT_LEEWAY,
    show_default=True,
    help="Seconds of clock skew allowed on exp/nbf/iat.",
)
@click.option(
    "--redis-url",
    envvar="REALMID_REDIS_URL",
    show_envvar=True,
    help="The Redis your apps share revocations in (realm revocation=RedisRevocationCache).",
)
@click.option(
    "--redis-prefix",
    default=DEFAULT_REDIS_PREFIX,
    show_default=True,
    help="The key prefix the apps' RedisRevocationCache uses.",
)
@json_option
@pass_state
def verify(
    state: State,
    token: str,
    audience: str | None,
    leeway: float,
    redis_url: str | None,
    redis_prefix: str,
    as_json: bool,
) -> None:
    """Verify TOKEN (or - for stdin) as realm.verify does and print its claims.

    A refused token exits 4 with the verifier's code (bad_signature, expired,
    wrong_audience, unknown_kid, ...) and the reason in words. Revocations are seen when
    --redis-url names the Redis the apps share them in.
    """
    begin(state, as_json)
    text = read_token(token)
    state.redact.append(text)
    if redis_url:
        state.redact.append(redis_url)  # it may carry a password
        state.revocation = redis_revocation(redis_url, redis_prefix, 1.0)
    out = Output(as_json)
    check = _Check(state, audience, leeway)
    try:
        claims = check.verify(text)
    except RealmError as err:
        raise _refusal(err, text, check, as_json) from None
    document = claims_document(claims)
    if as_json:
        out.json(document)
        return
    now = check.clock()
    _show_claims(out, "VERIFIED: the issuer signed this token and it is valid now", document, now)


def _refusal(err: RealmError, token: str, check: _Check, as_json: bool) -> CliFailure:
    reason = explain(
        err,
        token,
        issuer=check.issuer,
        audience=check.audience,
        kids=check.kids(),
        now=check.clock(),
        leeway=check.leeway,
        audience_given=check.audience_given,
    )
    parts = unverified_parts(token)
    payload = parts[1] if parts else {}
    extra: dict[str, Any] = {"reason": reason}
    # Which token it was, by the claims that name it and are no secret.
    for name in ("jti", "sub"):
        if isinstance(payload.get(name), str):
            extra[name] = payload[name]
    unreachable = err.code == ErrorCode.JWKS_FETCH_FAILED or err.details.get(
        "revocation_unavailable"
    )
    code = "token_revoked" if err.details.get("revoked") else str(err.code)
    return CliFailure(
        code,
        err.message,
        Exit.UNREACHABLE if unreachable else Exit.TOKEN_REFUSED,
        request_id=err.request_id,
        extra=extra,
        as_json=as_json,
    )


@click.command()
@click.argument("token")
@json_option
@pass_state
def decode(state: State, token: str, as_json: bool) -> None:
    """Show TOKEN's header and payload (or - for stdin), NOT VERIFIED. No credentials."""
    begin(state, as_json)
    text = read_token(token)
    state.redact.append(text)
    parts = unverified_parts(text)
    if parts is None:
        raise CliFailure(
            str(ErrorCode.MALFORMED),
            "not a compact JWS (three base64url segments, a JSON header and payload)",
            Exit.TOKEN_REFUSED,
            as_json=as_json,
        )
    header, payload = parts
    now = (state.clock or time.time)()
    out = Output(as_json)
    if as_json:
        out.json(
            {
                "verified": False,
                "header": header,
                "payload": payload,
                "times": _time_rows(payload, now),
            }
        )
        out.note("NOT VERIFIED: decoded only; `realmid verify` checks the signature")
        return
    out.out.print("[bold red]NOT VERIFIED[/]: decoded only; `realmid verify` checks it")
    _show_claims(out, "header (NOT VERIFIED)", header, now)
    _show_claims(out, "payload (NOT VERIFIED)", payload, now)
