from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="MfaVerifyRequest")


@_attrs_define
class MfaVerifyRequest:
    """
    Attributes:
        mfa_challenge_token (str):
        code (str):
        method (str | Unset): `totp` (default), `backup_code` or `otp_internal`; the server may add methods.
    """

    mfa_challenge_token: str
    code: str
    method: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        mfa_challenge_token = self.mfa_challenge_token

        code = self.code

        method = self.method

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "mfa_challenge_token": mfa_challenge_token,
                "code": code,
            }
        )
        if method is not UNSET:
            field_dict["method"] = method

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        mfa_challenge_token = d.pop("mfa_challenge_token")

        code = d.pop("code")

        method = d.pop("method", UNSET)

        mfa_verify_request = cls(
            mfa_challenge_token=mfa_challenge_token,
            code=code,
            method=method,
        )

        return mfa_verify_request
