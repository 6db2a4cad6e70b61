from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.domain_txt import DomainTxt
from ..types import UNSET, Unset, pydantic_core_schema

T = TypeVar("T", bound="DomainClaim")

# The wire names this model declares; any other member goes to additional_properties.
_KNOWN: frozenset[str] = frozenset(
    {
        "hostname",
        "claim_token",
        "txt_record",
        "status",
    }
)


@_attrs_define
class DomainClaim:
    """
    Attributes:
        hostname (str):
        claim_token (str | Unset):
        txt_record (DomainTxt | Unset):
        status (str | Unset):
    """

    hostname: str
    claim_token: str | None = None
    txt_record: DomainTxt | None = None
    status: str | None = None
    additional_properties: dict[str, Any] = _attrs_field(factory=dict, repr=False)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        return pydantic_core_schema(cls)

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        return {"type": "object", "title": "DomainClaim"}

    def to_dict(self) -> dict[str, Any]:
        hostname = self.hostname

        claim_token = self.claim_token

        txt_record: dict[str, Any] | Unset = UNSET
        if not isinstance(self.txt_record, Unset):
            txt_record = self.txt_record.to_dict()

        status = self.status

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "hostname": hostname,
            }
        )
        if claim_token is not UNSET:
            field_dict["claim_token"] = claim_token
        if txt_record is not UNSET:
            field_dict["txt_record"] = txt_record
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = src_dict
        hostname = d["hostname"]

        claim_token = d.get("claim_token")

        _txt_record = d.get("txt_record")
        txt_record: DomainTxt | Unset
        if isinstance(_txt_record, Unset):
            txt_record = UNSET
        else:
            txt_record = DomainTxt.from_dict(_txt_record)

        status = d.get("status")

        # The members this model does not declare, in the order they came.
        additional_properties = (
            {} if _KNOWN.issuperset(d) else {k: v for k, v in d.items() if k not in _KNOWN}
        )
        # Positional, in the order the fields are declared above: a keyword call costs about
        # twice as much, and this runs once per item of every page.
        domain_claim = cls(
            hostname,
            claim_token,
            txt_record,
            status,
            additional_properties,
        )

        return domain_claim

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
