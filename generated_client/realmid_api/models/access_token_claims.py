from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, pydantic_core_schema

T = TypeVar("T", bound="AccessTokenClaims")

# The wire names this model declares; any other member goes to additional_properties.
_KNOWN: frozenset[str] = frozenset(
    {
        "iss",
        "sub",
        "aud",
        "iat",
        "exp",
        "jti",
        "nbf",
        "azp",
        "tenant_id",
        "role",
        "amr",
        "acr",
        "mfa_at",
    }
)


@_attrs_define
class AccessTokenClaims:
    """The payload of an access token (the reference's Claims). Not a response body: the
    verifier reads it from the JWT; documented here so the emulator and the SDK agree.
    `aud` is a string or a list; `mfa_at` is unix seconds of the last MFA (absent = never).

        Attributes:
            iss (str):
            sub (str):
            aud (list[str] | str):
            iat (int):
            exp (int):
            jti (str):
            nbf (int | Unset):
            azp (str | Unset):
            tenant_id (str | Unset):
            role (str | Unset):
            amr (list[str] | Unset):
            acr (str | Unset):
            mfa_at (int | Unset):
    """

    iss: str
    sub: str
    aud: list[str] | str
    iat: int
    exp: int
    jti: str
    nbf: int | None = None
    azp: str | None = None
    tenant_id: str | None = None
    role: str | None = None
    amr: list[str] | None = None
    acr: str | None = None
    mfa_at: int | None = None
    additional_properties: dict[str, Any] = _attrs_field(factory=dict, repr=False)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        return pydantic_core_schema(cls)

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        return {"type": "object", "title": "AccessTokenClaims"}

    def to_dict(self) -> dict[str, Any]:
        iss = self.iss

        sub = self.sub

        aud: list[str] | str
        if isinstance(self.aud, list):
            aud = self.aud

        else:
            aud = self.aud

        iat = self.iat

        exp = self.exp

        jti = self.jti

        nbf = self.nbf

        azp = self.azp

        tenant_id = self.tenant_id

        role = self.role

        amr: list[str] | Unset = UNSET
        if not isinstance(self.amr, Unset):
            amr = self.amr

        acr = self.acr

        mfa_at = self.mfa_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "iss": iss,
                "sub": sub,
                "aud": aud,
                "iat": iat,
                "exp": exp,
                "jti": jti,
            }
        )
        if nbf is not UNSET:
            field_dict["nbf"] = nbf
        if azp is not UNSET:
            field_dict["azp"] = azp
        if tenant_id is not UNSET:
            field_dict["tenant_id"] = tenant_id
        if role is not UNSET:
            field_dict["role"] = role
        if amr is not UNSET:
            field_dict["amr"] = amr
        if acr is not UNSET:
            field_dict["acr"] = acr
        if mfa_at is not UNSET:
            field_dict["mfa_at"] = mfa_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = src_dict
        iss = d["iss"]

        sub = d["sub"]

        def _parse_aud(data: object) -> list[str] | str:
            try:
                if not isinstance(data, list):
                    raise TypeError()
                aud_type_1 = cast(list[str], data)

                return aud_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | str, data)

        aud = _parse_aud(d["aud"])

        iat = d["iat"]

        exp = d["exp"]

        jti = d["jti"]

        nbf = d.get("nbf")

        azp = d.get("azp")

        tenant_id = d.get("tenant_id")

        role = d.get("role")

        amr = d.get("amr")

        acr = d.get("acr")

        mfa_at = d.get("mfa_at")

        # The members this model does not declare, in the order they came.
        additional_properties = (
            {} if _KNOWN.issuperset(d) else {k: v for k, v in d.items() if k not in _KNOWN}
        )
        # Positional, in the order the fields are declared above: a keyword call costs about
        # twice as much, and this runs once per item of every page.
        access_token_claims = cls(
            iss,
            sub,
            aud,
            iat,
            exp,
            jti,
            nbf,
            azp,
            tenant_id,
            role,
            amr,
            acr,
            mfa_at,
            additional_properties,
        )

        return access_token_claims

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
