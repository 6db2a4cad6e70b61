from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, pydantic_core_schema

T = TypeVar("T", bound="Jwk")

# The wire names this model declares; any other member goes to additional_properties.
_KNOWN: frozenset[str] = frozenset(
    {
        "kty",
        "kid",
        "use",
        "alg",
        "key_ops",
        "n",
        "e",
    }
)


@_attrs_define
class Jwk:
    """
    Attributes:
        kty (str):
        kid (str):
        use (str | Unset):
        alg (str | Unset):
        key_ops (list[str] | Unset):
        n (str | Unset):
        e (str | Unset):
    """

    kty: str
    kid: str
    use: str | None = None
    alg: str | None = None
    key_ops: list[str] | None = None
    n: str | None = None
    e: str | None = None
    additional_properties: dict[str, Any] = _attrs_field(factory=dict, repr=False)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        return pydantic_core_schema(cls)

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        return {"type": "object", "title": "Jwk"}

    def to_dict(self) -> dict[str, Any]:
        kty = self.kty

        kid = self.kid

        use = self.use

        alg = self.alg

        key_ops: list[str] | Unset = UNSET
        if not isinstance(self.key_ops, Unset):
            key_ops = self.key_ops

        n = self.n

        e = self.e

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "kty": kty,
                "kid": kid,
            }
        )
        if use is not UNSET:
            field_dict["use"] = use
        if alg is not UNSET:
            field_dict["alg"] = alg
        if key_ops is not UNSET:
            field_dict["key_ops"] = key_ops
        if n is not UNSET:
            field_dict["n"] = n
        if e is not UNSET:
            field_dict["e"] = e

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = src_dict
        kty = d["kty"]

        kid = d["kid"]

        use = d.get("use")

        alg = d.get("alg")

        key_ops = d.get("key_ops")

        n = d.get("n")

        e = d.get("e")

        # The members this model does not declare, in the order they came.
        additional_properties = (
            {} if _KNOWN.issuperset(d) else {k: v for k, v in d.items() if k not in _KNOWN}
        )
        # Positional, in the order the fields are declared above: a keyword call costs about
        # twice as much, and this runs once per item of every page.
        jwk = cls(
            kty,
            kid,
            use,
            alg,
            key_ops,
            n,
            e,
            additional_properties,
        )

        return jwk

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
