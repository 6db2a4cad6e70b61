from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.tenant_ref import TenantRef
from ..models.user_summary import UserSummary
from ..types import UNSET, Unset, parse_datetime, pydantic_core_schema

_fromisoformat = datetime.datetime.fromisoformat
_UTC = datetime.timezone.utc


T = TypeVar("T", bound="Session")

# The wire names this model declares; any other member goes to additional_properties.
_KNOWN: frozenset[str] = frozenset(
    {
        "access_token",
        "refresh_token",
        "expires_in",
        "expires_at",
        "tenant_id",
        "role",
        "user",
        "tenants",
    }
)


@_attrs_define
class Session:
    """A user session (Login, MFA verify, OTP login), the reference's `Session`. `tenant_id`/`role`
    are the pinned tenant the login resolved to. Without tokens (absent or empty: the Go
    type encodes them as `""`) it is the tenant list of a user in several tenants who named
    none; `user` may be absent, and is then read from the access token's claims.

        Attributes:
            access_token (str | Unset):
            refresh_token (str | Unset):
            expires_in (int | Unset):
            expires_at (datetime.datetime | Unset):
            tenant_id (str | Unset):
            role (str | Unset):
            user (UserSummary | Unset):
            tenants (list[TenantRef] | Unset):
    """

    access_token: str | None = _attrs_field(default=None, repr=False)
    refresh_token: str | None = _attrs_field(default=None, repr=False)
    expires_in: int | None = None
    expires_at: datetime.datetime | None = None
    expires_at_raw: str | None = None
    tenant_id: str | None = None
    role: str | None = None
    user: UserSummary | None = None
    tenants: list[TenantRef] | None = None
    additional_properties: dict[str, Any] = _attrs_field(factory=dict, repr=False)

    @property
    def needs_tenant_choice(self) -> bool:
        """True for the several-tenants answer: no tokens yet, pick one of `tenants`."""
        return not self.access_token

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        return pydantic_core_schema(cls)

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        return {"type": "object", "title": "Session"}

    def to_dict(self) -> dict[str, Any]:
        access_token = self.access_token

        refresh_token = self.refresh_token

        expires_in = self.expires_in

        expires_at: str | None = self.expires_at_raw
        if self.expires_at is not None and (
            expires_at is None or parse_datetime(expires_at) != self.expires_at
        ):
            expires_at = self.expires_at.isoformat()

        tenant_id = self.tenant_id

        role = self.role

        user: dict[str, Any] | Unset = UNSET
        if not isinstance(self.user, Unset):
            user = self.user.to_dict()

        tenants: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.tenants, Unset):
            tenants = []
            for tenants_item_data in self.tenants:
                tenants_item = tenants_item_data.to_dict()
                tenants.append(tenants_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if access_token is not UNSET:
            field_dict["access_token"] = access_token
        if refresh_token is not UNSET:
            field_dict["refresh_token"] = refresh_token
        if expires_in is not UNSET:
            field_dict["expires_in"] = expires_in
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at
        if tenant_id is not UNSET:
            field_dict["tenant_id"] = tenant_id
        if role is not UNSET:
            field_dict["role"] = role
        if user is not UNSET:
            field_dict["user"] = user
        if tenants is not UNSET:
            field_dict["tenants"] = tenants

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = src_dict
        access_token = d.get("access_token")

        refresh_token = d.get("refresh_token")

        expires_in = d.get("expires_in")

        expires_at_raw = d.get("expires_at")
        expires_at: datetime.datetime | None = None
        if type(expires_at_raw) is not str:
            expires_at_raw = None
        elif expires_at_raw:
            try:
                expires_at = _fromisoformat(expires_at_raw)
            except ValueError:
                pass
            else:
                if expires_at.tzinfo is None:
                    expires_at = expires_at.replace(tzinfo=_UTC)

        tenant_id = d.get("tenant_id")

        role = d.get("role")

        _user = d.get("user")
        user: UserSummary | Unset
        if isinstance(_user, Unset):
            user = UNSET
        else:
            user = UserSummary.from_dict(_user)

        _tenants_item = TenantRef.from_dict
        _tenants = d.get("tenants")
        tenants = None if _tenants is None else [_tenants_item(item) for item in _tenants]

        # The members this model does not declare, in the order they came.
        additional_properties = (
            {} if _KNOWN.issuperset(d) else {k: v for k, v in d.items() if k not in _KNOWN}
        )
        # Positional, in the order the fields are declared above: a keyword call costs about
        # twice as much, and this runs once per item of every page.
        session = cls(
            access_token,
            refresh_token,
            expires_in,
            expires_at,
            expires_at_raw,
            tenant_id,
            role,
            user,
            tenants,
            additional_properties,
        )

        return session

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
