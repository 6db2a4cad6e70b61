"""Many pods, one Redis: a logout served by one process is refused by another."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
import redis
from verifier_support import RedisProcess

import realmid
from realmid.errors import ErrorCode, RealmError, TokenRevokedError
from realmid.revocation import RedisRevocationCache
from realmid.testing import RealmEmulator

POD = textwrap.dedent(
    """
    import sys, redis, realmid
    base_url, realm_id, api_key, redis_url, refresh, access = sys.argv[1:]
    cache = realmid.RedisRevocationCache(redis.Redis.from_url(redis_url))
    with realmid.Realm(realm_id=realm_id, api_key=api_key, base_url=base_url,
                       revocation=cache) as realm:
        realm.auth.logout(refresh, access_token=access)
    """
)


def fast_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)


def test_logout_in_one_pod_is_refused_in_another(
    redis_proc: RedisProcess, emulator: RealmEmulator
) -> None:
    tenant = emulator.create_tenant("Pods")
    user = emulator.seed_user("pod@example.test", {tenant: "member"})
    session = emulator.session_for(user.id, tenant)
    cache = RedisRevocationCache(fast_client(redis_proc.url))
    with realmid.Realm(
        realm_id=emulator.realm_id,
        api_key=emulator.api_key,
        base_url=emulator.base_url,
        revocation=cache,
    ) as realm:
        assert realm.verify(session["access_token"]).sub == user.id
        args = [emulator.base_url, emulator.realm_id, emulator.api_key, redis_proc.url]
        args += [session["refresh_token"], session["access_token"]]
        subprocess.run([sys.executable, "-c", POD, *args], check=True, timeout=60)
        with pytest.raises(TokenRevokedError):
            realm.verify(session["access_token"])
        # The other pod's logout revoked the refresh token server-side, too.
        with pytest.raises(RealmError) as refused:
            realm.auth.token(session["refresh_token"])
        assert refused.value.code is ErrorCode.UNAUTHORIZED


def test_redis_down_fails_verification_closed(
    redis_proc: RedisProcess, emulator: RealmEmulator
) -> None:
    tenant = emulator.create_tenant("Down")
    user = emulator.seed_user("down@example.test", {tenant: "member"})
    token = emulator.session_for(user.id, tenant)["access_token"]
    cache = RedisRevocationCache(fast_client(redis_proc.url))
    with realmid.Realm(
        realm_id=emulator.realm_id,
        api_key=emulator.api_key,
        base_url=emulator.base_url,
        revocation=cache,
    ) as realm:
        assert realm.verify(token).sub == user.id
        redis_proc.stop()
        with pytest.raises(RealmError) as caught:
            realm.verify(token)
        assert caught.value.code is ErrorCode.SERVER_ERROR
        assert caught.value.details.get("revocation_unavailable") is True
        assert token not in str(caught.value)
