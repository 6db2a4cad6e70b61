"""The partner OTP primitive (``realm.otp``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from realmid_api.api.otp import issue_otp, verify_otp, view_otp
from realmid_api.models import IssueRequest, VerifyRequest

from realmid import _inputs, _telemetry
from realmid._auth_flow import user_bearer as as_user
from realmid._http import new_idempotency_key
from realmid.models import IssueResponse, VerifyResponse, ViewResponse

if TYPE_CHECKING:
    from realmid._async.realm import AsyncRealm


@_telemetry.traced("otp")
class AsyncOtp:
    """Partner OTPs: a manager issues a code bound to a subject and a purpose, hands it over
    out of band, and the code is verified (and consumed) once.

    Every call acts as a tenant-scoped user, named with exactly one of ``user_id=`` (BFF:
    platform token + ``X-On-Behalf-Of-User``) or ``user_bearer=`` (the user's access
    token); both or neither is a :class:`~realmid.BadRequestError` before any I/O.

    ``purpose`` must match ``^[a-z][a-z0-9_]{0,63}$`` and ``subject_ref`` must be 1-256
    characters without control characters. Both are checked here before any request and
    refused with the very ``RealmError`` the issuer would answer (``invalid_purpose`` /
    ``invalid_subject_ref``, ``http_status`` 0), so one ``except`` branch covers both.
    """

    def __init__(self, realm: AsyncRealm) -> None:
        self._realm = realm

    async def issue(
        self,
        subject_ref: str,
        purpose: str,
        *,
        user_id: str | None = None,
        user_bearer: str | None = None,
        on_behalf_of_ip: str | None = None,
    ) -> IssueResponse:
        """Mint an OTP for ``subject_ref`` and ``purpose``.

        ``value`` is its plaintext, returned this once; deliver it out of band::

            otp = realm.otp.issue("order-1234", "delivery", user_id=manager_id)
            sms.send(customer_phone, otp.value)
        """
        on_behalf, bearer = _inputs.acting_user(user_id, user_bearer)
        body = IssueRequest(
            subject_ref=_inputs.check_subject_ref(subject_ref),
            purpose=_inputs.check_purpose(purpose),
        )
        ip = _inputs.optional_header("on_behalf_of_ip", on_behalf_of_ip)
        with as_user(bearer):
            wire = await self._realm._call(
                issue_otp.asyncio_detailed,
                IssueResponse,
                body=body,
                x_on_behalf_of_user=on_behalf,
                x_on_behalf_of_ip=ip,
                idempotency_key=new_idempotency_key(),
            )
        return wire

    async def view(
        self,
        otp_id: str,
        *,
        user_id: str | None = None,
        user_bearer: str | None = None,
        on_behalf_of_ip: str | None = None,
    ) -> ViewResponse:
        """The plaintext of an active OTP, for the user who issued it only.

        Anyone else, and an OTP already used or expired, gets ``RealmError(otp_not_found)``
        (404) with nothing revealed.
        """
        on_behalf, bearer = _inputs.acting_user(user_id, user_bearer)
        otp_id = _inputs.path_id("otp_id", otp_id)
        ip = _inputs.optional_header("on_behalf_of_ip", on_behalf_of_ip)
        with as_user(bearer):
            wire = await self._realm._call(
                view_otp.asyncio_detailed,
                ViewResponse,
                otp_id=otp_id,
                x_on_behalf_of_user=on_behalf,
                x_on_behalf_of_ip=ip,
            )
        return wire

    async def verify(
        self,
        subject_ref: str,
        purpose: str,
        presented: str,
        *,
        user_id: str | None = None,
        user_bearer: str | None = None,
        on_behalf_of_ip: str | None = None,
    ) -> VerifyResponse:
        """Match ``presented`` against the subject's active OTPs for ``purpose`` and consume
        the match atomically (two concurrent verifies cannot both succeed).

        Misses: ``invalid_otp`` (wrong value; repeated misses lock with ``otp_locked``),
        ``otp_expired``, ``otp_not_found`` (nothing active, e.g. already consumed)::

            used = realm.otp.verify("order-1234", "delivery", typed, user_id=driver_id)
            audit(used.issuer_user_id, used.issued_at)
        """
        on_behalf, bearer = _inputs.acting_user(user_id, user_bearer)
        body = VerifyRequest(
            subject_ref=_inputs.check_subject_ref(subject_ref),
            purpose=_inputs.check_purpose(purpose),
            presented=_inputs.non_empty("presented", presented),
        )
        ip = _inputs.optional_header("on_behalf_of_ip", on_behalf_of_ip)
        with as_user(bearer):
            wire = await self._realm._call(
                verify_otp.asyncio_detailed,
                VerifyResponse,
                body=body,
                x_on_behalf_of_user=on_behalf,
                x_on_behalf_of_ip=ip,
            )
        return wire
