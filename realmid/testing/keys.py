"""RSA signing keys: the issuer's key ring (JWKS) and the emulated identity provider's key."""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

PROVIDER_AUDIENCE = "realmid-emulator"


def generate_rsa_key() -> rsa.RSAPrivateKey:
    """A fresh RS256 key (2048 bits, e = 65537)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _b64_uint(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8 or 1, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def public_jwk(key: rsa.RSAPublicKey, kid: str) -> dict[str, str]:
    """The JWK of an RSA public key, as served in ``/.well-known/jwks.json``."""
    numbers = key.public_numbers()
    return {
        "kty": "RSA",
        "use": "sig",
        "alg": "RS256",
        "kid": kid,
        "n": _b64_uint(numbers.n),
        "e": _b64_uint(numbers.e),
    }


@dataclass
class SigningKey:
    """One issuer key; ``published`` is False once retired (gone from the JWKS)."""

    kid: str
    private_key: rsa.RSAPrivateKey
    created_at: float
    published: bool = True


class KeyRing:
    """The issuer's keys: the newest signs, every published one verifies.

    Shares the emulator's state lock; key generation (slow) happens outside it.
    """

    def __init__(self, lock: threading.RLock) -> None:
        self._lock = lock
        self._keys: list[SigningKey] = []
        self._active: SigningKey | None = None

    def add(self, created_at: float, key: rsa.RSAPrivateKey | None = None) -> str:
        """Add a key that signs from now on; the previous ones stay published. Returns its kid."""
        private_key = key if key is not None else generate_rsa_key()
        entry = SigningKey(f"emu-{secrets.token_hex(6)}", private_key, created_at)
        with self._lock:
            self._keys.append(entry)
            self._active = entry
        return entry.kid

    @property
    def active_kid(self) -> str:
        """The kid new tokens are signed with."""
        with self._lock:
            return self._signer().kid

    def kids(self) -> list[str]:
        """The kids currently published, oldest first."""
        with self._lock:
            return [key.kid for key in self._keys if key.published]

    def retire(self, kid: str) -> None:
        """Remove ``kid`` from the JWKS; tokens it signed stop verifying."""
        with self._lock:
            for key in self._keys:
                if key.kid == kid and key.published:
                    if key is self._active:
                        raise ValueError("cannot retire the key that signs; rotate first")
                    key.published = False
                    return
        raise KeyError(kid)

    def retire_old(self) -> list[str]:
        """Retire every published key except the signing one; returns their kids."""
        with self._lock:
            retired = [k for k in self._keys if k.published and k is not self._active]
            for key in retired:
                key.published = False
            return [key.kid for key in retired]

    def jwks(self) -> dict[str, Any]:
        """The JSON Web Key Set of the published keys."""
        with self._lock:
            published = [k for k in self._keys if k.published]
        return {"keys": [public_jwk(k.private_key.public_key(), k.kid) for k in published]}

    def sign(self, claims: dict[str, Any]) -> str:
        """An RS256 JWT of ``claims`` with the signing key's kid in the header."""
        with self._lock:
            key = self._signer()
        return jwt.encode(claims, key.private_key, algorithm="RS256", headers={"kid": key.kid})

    def decode(self, token: str, now: float) -> dict[str, Any]:
        """Verify a token this issuer signed (published key, signature, ``exp`` vs ``now``).

        Raises :class:`jwt.InvalidTokenError`. The audience is checked by the caller, who
        knows which realm the subject belongs to.
        """
        kid = jwt.get_unverified_header(token).get("kid")
        with self._lock:
            found = [k for k in self._keys if k.kid == kid and k.published]
        if not found:
            raise jwt.InvalidTokenError("unknown kid")
        claims: dict[str, Any] = jwt.decode(
            token,
            found[0].private_key.public_key(),
            algorithms=["RS256"],
            # Time claims are checked against the emulator clock below, not the wall clock.
            options={
                "verify_exp": False,
                "verify_nbf": False,
                "verify_iat": False,
                "verify_aud": False,
            },
        )
        exp = claims.get("exp")
        if not isinstance(exp, int) or exp <= now:
            raise jwt.ExpiredSignatureError("token expired")
        return claims

    def _signer(self) -> SigningKey:
        if self._active is None:
            raise RuntimeError("the key ring has no key")
        return self._active


@dataclass(frozen=True)
class ProviderIdentity:
    """What a verified provider token says about the user."""

    subject: str
    email: str
    email_verified: bool
    display_name: str | None


class ProviderKeys:
    """The emulated upstream identity provider (Firebase / Google) and its signing key.

    Provider tokens are JWTs signed by a key only the emulator knows; a tampered,
    expired or foreign token fails :meth:`verify`.
    """

    def __init__(self, key: rsa.RSAPrivateKey | None = None) -> None:
        self._key = key if key is not None else generate_rsa_key()
        self._kid = f"provider-{secrets.token_hex(6)}"

    def mint(
        self,
        *,
        email: str,
        method: str,
        now: float,
        expires_in: int,
        email_verified: bool,
        display_name: str | None,
        issuer: str,
    ) -> str:
        """A provider token for ``email`` from ``method``'s emulated provider."""
        subject = hashlib.sha256(f"{method}:{email.lower()}".encode()).hexdigest()[:28]
        claims: dict[str, Any] = {
            "iss": f"{issuer}/_provider/{method}",
            "aud": PROVIDER_AUDIENCE,
            "sub": subject,
            "email": email,
            "email_verified": email_verified,
            "method": method,
            "iat": int(now),
            "exp": int(now) + expires_in,
        }
        if display_name is not None:
            claims["name"] = display_name
        return jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": self._kid})

    def verify(self, token: str, method: str, now: float) -> ProviderIdentity:
        """Check signature, audience, method and expiry (emulator clock); raises on any failure."""
        claims = jwt.decode(
            token,
            self._key.public_key(),
            algorithms=["RS256"],
            audience=PROVIDER_AUDIENCE,
            options={"verify_exp": False, "verify_iat": False, "verify_nbf": False},
        )
        if claims.get("method") != method:
            raise jwt.InvalidTokenError("token is from another provider")
        exp = claims.get("exp")
        if not isinstance(exp, int) or exp <= now:
            raise jwt.ExpiredSignatureError("provider token expired")
        email = claims.get("email")
        if not isinstance(email, str) or not email:
            raise jwt.InvalidTokenError("provider token has no email")
        name = claims.get("name")
        return ProviderIdentity(
            subject=str(claims.get("sub")),
            email=email,
            email_verified=bool(claims.get("email_verified")),
            display_name=name if isinstance(name, str) else None,
        )
