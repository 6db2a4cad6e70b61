"""Realm domain claims (``realm.domains``, SPEC §6.4)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from realmid_api.api.domains import claim_domain, verify_domain
from realmid_api.models import DomainClaimRequest, DomainVerifyRequest

from realmid import _inputs, _telemetry
from realmid._http import new_idempotency_key
from realmid.models import DomainClaim, DomainVerifyResult

if TYPE_CHECKING:
    from realmid._async.realm import AsyncRealm


@_telemetry.traced("domains")
class AsyncDomains:
    """Realm domain claims: claim a hostname, publish its TXT record, verify."""

    def __init__(self, realm: AsyncRealm) -> None:
        self._realm = realm

    async def claim(self, hostname: str) -> DomainClaim:
        """Begin a realm domain claim; the answer's ``txt_record`` says what to publish.

        ``hostname`` may be given as a URL or origin; it is reduced to its hostname.
        Keep ``claim_token`` for :meth:`verify`::

            claim = realm.domains.claim("login.example.com")
            # publish TXT claim.txt_record.name = claim.txt_record.value, then:
            result = realm.domains.verify(claim.claim_token)
        """
        return await self._realm._call(
            claim_domain.asyncio_detailed,
            DomainClaim,
            body=DomainClaimRequest(hostname=_inputs.hostname("hostname", hostname)),
            idempotency_key=new_idempotency_key(),
        )

    async def verify(self, claim_token: str) -> DomainVerifyResult:
        """Finish a claim: ``verified`` is False (``status`` ``pending``) until the TXT
        record is visible; call again later. An unknown token is ``not_found``."""
        return await self._realm._call(
            verify_domain.asyncio_detailed,
            DomainVerifyResult,
            body=DomainVerifyRequest(claim_token=_inputs.non_empty("claim_token", claim_token)),
        )
