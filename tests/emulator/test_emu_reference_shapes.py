"""The reference profile's Go type table cannot drift from the reference it transcribes.

Reads the Go SDK reference doc (``<repo>/../shared/reference/go-sdk-v0.10.0.txt``) and
compares every struct the table says it took from there, field by field: json name, Go
type and ``omitempty``, in declaration order. Also checks the table is whole (every
answer the contract documents has a Go type, every type it names exists) and the
encoder's Go semantics on small cases.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from realmid.testing.contract import get_contract
from realmid.testing.handlers.table import ROUTES
from realmid.testing.reference_shapes import (
    ANSWERS,
    DECISION,
    ERROR_TYPE,
    FREE_FORM,
    GO_TYPES,
    PLATFORM_GRANT_ANSWER,
    REFERENCE,
    GoField,
    encode,
    type_names,
)

ROOT = Path(__file__).resolve().parents[2]
REFERENCE_DOC = ROOT.parent / "shared" / "reference" / "go-sdk-v0.10.0.txt"

_STRUCT_HEAD = re.compile(r"^type (\w+)(?:\[[^\]]*\])? struct \{(.*)$")
_FIELD = re.compile(r'(\w+)\s+([^\s`]+)\s+`json:"([^"]*)"`')


def reference_text() -> str:
    if not REFERENCE_DOC.is_file():
        pytest.fail(
            f"the Go SDK reference is missing: expected it at {REFERENCE_DOC} "
            "(the table in realmid/testing/reference_shapes.py is checked against it)"
        )
    return REFERENCE_DOC.read_text(encoding="utf-8")


def reference_structs(text: str) -> dict[str, list[GoField]]:
    """Every ``type X struct {...}`` of the doc: its json-tagged fields, ``json:"-"`` left out."""
    structs: dict[str, list[GoField]] = {}
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        head = _STRUCT_HEAD.match(lines[i].strip())
        i += 1
        if head is None:
            continue
        name, rest = head.group(1), head.group(2)
        if "}" in rest:  # a one-line struct, as the doc renders generic types
            body = rest
        else:
            collected = []
            while i < len(lines) and lines[i].strip() != "}":
                collected.append(lines[i])
                i += 1
            body = "\n".join(collected)
        fields = []
        for _, go_type, tag in _FIELD.findall(body):
            json_name, *options = tag.split(",")
            if json_name != "-":
                fields.append(GoField(json_name, go_type, "omitempty" in options))
        structs[name] = fields
    return structs


@pytest.fixture(scope="module")
def structs() -> dict[str, list[GoField]]:
    return reference_structs(reference_text())


def test_the_parser_reads_the_doc(structs: dict[str, list[GoField]]) -> None:
    # Guards the parser itself: a multi-line struct, a one-line generic one, a json:"-".
    assert structs["Session"][0] == GoField("access_token", "string")
    assert structs["Page"] == [
        GoField("items", "[]T"),
        GoField("next_cursor", "string", omitempty=True),
        GoField("total", "*int", omitempty=True),
    ]
    assert [f.json for f in structs["IssueResponse"]] == [
        "id",
        "value",
        "expires_at",
        "purpose",
        "subject_ref",
    ]
    assert len(structs) > 30


@pytest.mark.parametrize("name", sorted(n for n, t in GO_TYPES.items() if t.source == REFERENCE))
def test_a_transcribed_type_matches_the_reference(
    name: str, structs: dict[str, list[GoField]]
) -> None:
    assert name in structs, f"{name} is not a struct of the reference"
    assert list(GO_TYPES[name].fields) == structs[name], name


@pytest.mark.parametrize("name", sorted(n for n, t in GO_TYPES.items() if t.source == DECISION))
def test_a_decision_is_only_where_the_reference_shows_no_struct(
    name: str, structs: dict[str, list[GoField]]
) -> None:
    # If the reference ever shows the struct, transcribe it instead of deciding.
    assert not structs.get(name), f"the reference shows {name}: transcribe it"


DOCUMENTED_ANSWERS = sorted(
    (op.operation_id, status)
    for op in get_contract().operations
    for status in op.response_validators
    if 200 <= status < 300
)


@pytest.mark.parametrize("answer", DOCUMENTED_ANSWERS, ids=lambda a: f"{a[0]}-{a[1]}")
def test_every_documented_answer_has_a_go_type(answer: tuple[str, int]) -> None:
    if answer[0] not in ROUTES:
        # An operation without a handler never answers 2xx (it answers 501); its failure
        # is test_every_operation_has_a_handler's. The Go type comes with the handler.
        pytest.skip(f"no handler for {answer[0]}")
    assert answer in ANSWERS


def test_every_go_type_answer_is_documented() -> None:
    # An entry left behind when an operation or a success status leaves the contract.
    assert set(ANSWERS) - set(DOCUMENTED_ANSWERS) == set()


def test_every_named_type_is_in_the_table() -> None:
    named: set[str] = {ERROR_TYPE, PLATFORM_GRANT_ANSWER}
    for go_type in ANSWERS.values():
        named |= type_names(go_type)
    for spec in GO_TYPES.values():
        for field in spec.fields:
            named |= type_names(field.go_type)
    assert named <= set(GO_TYPES), named - set(GO_TYPES)
    assert type_names(FREE_FORM) == set()


# ---------------------------------------------------------------------- Go semantics


def test_omitempty_drops_zero_values_and_the_rest_get_theirs() -> None:
    assert encode("Session", {"tenants": []}) == {
        "access_token": "",
        "refresh_token": "",
        "expires_in": 0,
        "user": {"id": ""},  # a struct is never omitted, and its own zeros follow the rules
        "tenants": [],  # a non-nil empty slice
    }
    assert encode("Session", {})["tenants"] is None  # a nil slice is null
    assert encode("User", {"id": "u", "mfa_enabled": False, "email": ""}) == {"id": "u"}
    assert encode("User", {"id": "u", "mfa_enabled": True})["mfa_enabled"] is True


def test_pointers_keep_what_they_point_at_and_drop_only_nil() -> None:
    origin = encode("Origin", {"id": "o", "verification_id": "", "detached_at": None})
    assert origin["verification_id"] == ""
    assert "detached_at" not in origin
    assert encode("Page[User]", {"items": [], "total": 0}) == {"items": [], "total": 0}
    assert encode("AdminEventsResponse", {"items": []}) == {"items": [], "next_cursor": None}


def test_extras_are_dropped_and_order_is_the_structs() -> None:
    body = encode(
        "Page[Tenant]",
        {
            "total": 1,
            "next_cursor": None,
            "items": [{"signup_mode": "closed", "id": "t", "display_name": "T", "config": {}}],
            "kind": "page",
        },
    )
    assert body == {"items": [{"id": "t", "display_name": "T"}], "total": 1}
    assert list(encode("MintResult", {"role": "r", "access_token": "a"})) == [
        "access_token",
        "refresh_token",
        "expires_in",
        "tenant_id",
        "role",
    ]
