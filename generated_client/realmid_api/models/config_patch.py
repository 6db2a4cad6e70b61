from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, pydantic_core_schema

T = TypeVar("T", bound="ConfigPatch")

# The wire names this model declares; any other member goes to additional_properties.
_KNOWN: frozenset[str] = frozenset(
    {
        "platform_refresh_rotates",
        "otp_login_enabled",
        "otp_mfa_enabled",
        "mfa_session_ttl_seconds",
        "require_bff_login",
        "session_limit",
        "access_token_ttl",
        "platform_token_ttl",
    }
)


@_attrs_define
class ConfigPatch:
    """A partial patch of realm configuration. The server keeps an allowlist of mutable keys
    (the properties below; a newer server may accept more) and answers 400 for others.

        Attributes:
            platform_refresh_rotates (bool | Unset): Platform refresh rotates the refresh token (default false, ADR-051).
            otp_login_enabled (bool | Unset): `POST /auth/otp/login` is open.
            otp_mfa_enabled (bool | Unset): `otp_internal` is offered as a second factor.
            mfa_session_ttl_seconds (int | Unset): The realm's default MFA freshness window (the middleware's default max
                age).
            require_bff_login (bool | Unset): User-scoped calls must come through the platform bearer + `X-On-Behalf-Of-
                User`.
            session_limit (int | None | Unset): Live sessions a user may hold; null means unlimited.
            access_token_ttl (int | Unset): Lifetime of user access tokens, seconds.
            platform_token_ttl (int | Unset): Lifetime of platform access tokens, seconds.
    """

    platform_refresh_rotates: bool | None = None
    otp_login_enabled: bool | None = None
    otp_mfa_enabled: bool | None = None
    mfa_session_ttl_seconds: int | None = None
    require_bff_login: bool | None = None
    session_limit: int | None = None
    access_token_ttl: int | None = None
    platform_token_ttl: int | None = None
    additional_properties: dict[str, Any] = _attrs_field(factory=dict, repr=False)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        return pydantic_core_schema(cls)

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        return {"type": "object", "title": "ConfigPatch"}

    def to_dict(self) -> dict[str, Any]:
        platform_refresh_rotates = self.platform_refresh_rotates

        otp_login_enabled = self.otp_login_enabled

        otp_mfa_enabled = self.otp_mfa_enabled

        mfa_session_ttl_seconds = self.mfa_session_ttl_seconds

        require_bff_login = self.require_bff_login

        session_limit: int | None | Unset
        if isinstance(self.session_limit, Unset):
            session_limit = UNSET
        else:
            session_limit = self.session_limit

        access_token_ttl = self.access_token_ttl

        platform_token_ttl = self.platform_token_ttl

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if platform_refresh_rotates is not UNSET:
            field_dict["platform_refresh_rotates"] = platform_refresh_rotates
        if otp_login_enabled is not UNSET:
            field_dict["otp_login_enabled"] = otp_login_enabled
        if otp_mfa_enabled is not UNSET:
            field_dict["otp_mfa_enabled"] = otp_mfa_enabled
        if mfa_session_ttl_seconds is not UNSET:
            field_dict["mfa_session_ttl_seconds"] = mfa_session_ttl_seconds
        if require_bff_login is not UNSET:
            field_dict["require_bff_login"] = require_bff_login
        if session_limit is not UNSET:
            field_dict["session_limit"] = session_limit
        if access_token_ttl is not UNSET:
            field_dict["access_token_ttl"] = access_token_ttl
        if platform_token_ttl is not UNSET:
            field_dict["platform_token_ttl"] = platform_token_ttl

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = src_dict
        platform_refresh_rotates = d.get("platform_refresh_rotates")

        otp_login_enabled = d.get("otp_login_enabled")

        otp_mfa_enabled = d.get("otp_mfa_enabled")

        mfa_session_ttl_seconds = d.get("mfa_session_ttl_seconds")

        require_bff_login = d.get("require_bff_login")

        def _parse_session_limit(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        session_limit = _parse_session_limit(d.get("session_limit"))

        access_token_ttl = d.get("access_token_ttl")

        platform_token_ttl = d.get("platform_token_ttl")

        # The members this model does not declare, in the order they came.
        additional_properties = (
            {} if _KNOWN.issuperset(d) else {k: v for k, v in d.items() if k not in _KNOWN}
        )
        # Positional, in the order the fields are declared above: a keyword call costs about
        # twice as much, and this runs once per item of every page.
        config_patch = cls(
            platform_refresh_rotates,
            otp_login_enabled,
            otp_mfa_enabled,
            mfa_session_ttl_seconds,
            require_bff_login,
            session_limit,
            access_token_ttl,
            platform_token_ttl,
            additional_properties,
        )

        return config_patch

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
