"""The wire contract: openapi/realmid.yaml validates and keeps the house rules.

These walk the document, so a new operation that forgets its tag, security, error
responses, paging envelope or idempotency header fails here, not in review.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate

ROOT = Path(__file__).resolve().parents[1]
SPEC_PATH = ROOT / "openapi" / "realmid.yaml"
REFERENCE = ROOT.parent / "shared" / "reference" / "go-sdk-v0.10.0.txt"
METHODS = {"get", "post", "put", "patch", "delete"}
ERROR_REF = "#/components/schemas/Error"


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return yaml.safe_load(SPEC_PATH.read_text())


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, op)
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method in METHODS
    ]


def resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def test_spec_validates(spec: dict[str, Any]) -> None:
    validate(spec)


def test_about_fifty_operations_with_unique_ids(spec: dict[str, Any]) -> None:
    ids = [op["operationId"] for _, _, op in operations(spec)]
    assert len(ids) == len(set(ids))
    assert 45 <= len(ids) <= 60, len(ids)


def test_every_operation_has_id_one_known_tag_and_a_summary(spec: dict[str, Any]) -> None:
    known = {t["name"] for t in spec["tags"]}
    for path, method, op in operations(spec):
        where = f"{method.upper()} {path}"
        assert re.fullmatch(r"[a-z][a-z0-9_]*", op.get("operationId", "")), where
        assert len(op.get("tags", [])) == 1, where
        assert op["tags"][0] in known, where
        assert op.get("summary"), where


def effective_security(spec: dict[str, Any], op: dict[str, Any]) -> list[dict[str, list[str]]]:
    return op.get("security", spec.get("security", []))


def test_every_operation_declares_known_security(spec: dict[str, Any]) -> None:
    schemes = set(spec["components"]["securitySchemes"])
    for path, method, op in operations(spec):
        security = effective_security(spec, op)
        assert security, f"{method.upper()} {path} has no security requirement at all"
        for requirement in security:
            assert set(requirement) <= schemes, f"{method.upper()} {path}: {requirement}"


def error_statuses(spec: dict[str, Any], op: dict[str, Any]) -> set[int]:
    statuses = set()
    for status, response in op["responses"].items():
        if status.startswith(("4", "5")):
            body = resolve(spec, response)["content"]["application/json"]["schema"]
            assert body == {"$ref": ERROR_REF}, f"{status} does not use the error envelope"
            statuses.add(int(status))
    return statuses


def test_every_operation_documents_its_errors_with_the_one_envelope(
    spec: dict[str, Any],
) -> None:
    for path, method, op in operations(spec):
        where = f"{method.upper()} {path}"
        statuses = error_statuses(spec, op)
        assert 429 in statuses, f"{where}: rate limits answer 429"
        authenticated = any(req for req in effective_security(spec, op))
        if authenticated:
            assert 401 in statuses, f"{where}: an authenticated call can answer 401"
        if op.get("requestBody") or any(
            resolve(spec, p).get("in") == "query" for p in op.get("parameters", [])
        ):
            assert 400 in statuses, f"{where}: input can be invalid"
        path_params = [p for p in op.get("parameters", []) if resolve(spec, p)["in"] == "path"]
        if path_params:
            assert 404 in statuses, f"{where}: a path id can be unknown"
            assert 400 in statuses, f"{where}: a path id can break its constraints"
        for status, response in op["responses"].items():
            if status.startswith("2"):
                assert resolve(spec, response).get("description"), where


def test_error_envelope_keeps_unknown_siblings(spec: dict[str, Any]) -> None:
    envelope = spec["components"]["schemas"]["Error"]
    assert envelope["required"] == ["code", "message"]
    assert envelope["properties"]["code"] == {"type": "string", "examples": ["mfa_required"]}
    assert envelope["additionalProperties"] is True
    assert {"mfa_challenge_token", "methods", "reason", "retry_after"} <= set(
        envelope["properties"]
    )


def test_every_list_answers_with_the_page_envelope(spec: dict[str, Any]) -> None:
    page_meta = {"$ref": "#/components/schemas/PageMeta"}
    lists = 0
    for path, method, op in operations(spec):
        params = [resolve(spec, p)["name"] for p in op.get("parameters", [])]
        if "cursor" not in params:
            continue
        lists += 1
        assert "limit" in params, path
        body = resolve(spec, op["responses"]["200"]["content"]["application/json"]["schema"])
        assert page_meta in body["allOf"], f"{method.upper()} {path}"
        items = body["allOf"][1]
        # Not required: a Go nil slice encodes as null, and an empty page may leave it out.
        assert "items" not in items.get("required", [])
        assert items["properties"]["items"]["type"] == "array"
    assert lists >= 9


def test_creating_posts_take_an_idempotency_key(spec: dict[str, Any]) -> None:
    for path, method, op in operations(spec):
        if method == "post" and "201" in op["responses"]:
            names = [resolve(spec, p)["name"] for p in op.get("parameters", [])]
            assert "Idempotency-Key" in names, f"POST {path}"


def test_bff_headers_ride_where_the_reference_says(spec: dict[str, Any]) -> None:
    by_id = {op["operationId"]: op for _, _, op in operations(spec)}

    def headers(op_id: str) -> set[str]:
        return {
            resolve(spec, p)["name"]
            for p in by_id[op_id].get("parameters", [])
            if resolve(spec, p)["in"] == "header"
        }

    for op_id in ("list_sessions", "revoke_session", "issue_otp", "view_otp", "verify_otp"):
        assert {"X-On-Behalf-Of-User", "X-On-Behalf-Of-IP"} <= headers(op_id), op_id
        assert {"userBearer", "platformBearer"} == {
            name for req in by_id[op_id]["security"] for name in req
        }
    for op_id in ("login", "token", "mfa_verify", "otp_login", "logout"):
        assert {"Origin", "X-On-Behalf-Of-IP"} <= headers(op_id), op_id


def test_the_api_key_rides_only_on_the_platform_grant(spec: dict[str, Any]) -> None:
    holders = [
        name
        for name, schema in spec["components"]["schemas"].items()
        if "api_key" in schema.get("properties", {})
    ]
    assert holders == ["PlatformApiKeyGrant"]
    grant = spec["components"]["schemas"]["PlatformApiKeyGrant"]
    assert grant["properties"]["grant_type"] == {"const": "platform_api_key"}


def test_answers_carry_no_invented_tags(spec: dict[str, Any]) -> None:
    """The reference's Go types have no discriminator: no answer is a union, none has `kind`.

    (An admin event's `kind` is a field of the Go AuditEvent, not a tag.)
    """
    for path, method, op in operations(spec):
        for status, response in op["responses"].items():
            content = resolve(spec, response).get("content", {})
            schema = content.get("application/json", {}).get("schema", {})
            assert not {"oneOf", "anyOf"} & set(schema), f"{method.upper()} {path} {status}"
    for name, schema in spec["components"]["schemas"].items():
        if name != "AuditEvent":
            assert "kind" not in schema.get("properties", {}), name


def test_request_bodies_accept_members_the_reference_does_not_name(spec: dict[str, Any]) -> None:
    """The SDK may send more than the reference names, and a newer SDK may too."""
    for name, schema in spec["components"]["schemas"].items():
        assert schema.get("additionalProperties") is not False, name


# The Go reference's types → the spec's schemas. Field names must match exactly.
GO_TO_SPEC = {
    "APIKey": "APIKey",
    "APIKeyCreate": "APIKeyCreate",
    "AdminEventsResponse": "AdminEventsResponse",
    "AdminPlatformsResponse": "AdminPlatformsResponse",
    "AdminSearchResponse": "AdminSearchResponse",
    "AdminStats": "AdminStats",
    "AuditEvent": "AuditEvent",
    "Claims": "AccessTokenClaims",
    "DomainClaim": "DomainClaim",
    "DomainVerifyResult": "DomainVerifyResult",
    "Invitation": "Invitation",
    "IssueResponse": "IssueResponse",
    "MFAEnrollResult": "MFAEnrollResult",
    "MintResult": "MintResult",
    "Origin": "Origin",
    "OriginClaim": "OriginClaim",
    "Page": "TenantPage",
    "PlatformOwner": "PlatformOwner",
    "PlatformSummary": "PlatformSummary",
    "RealmInfo": "RealmInfo",
    "RoleCreate": "RoleCreate",
    "RoleDeleteResult": "RoleDeleteResult",
    "RoleListPage": "RoleListPage",
    "RoleObject": "RoleObject",
    "RolePatch": "RolePatch",
    "SearchHit": "SearchHit",
    "Session": "Session",
    "SessionInfo": "SessionInfo",
    "Tenant": "Tenant",
    "TenantCreate": "TenantCreate",
    "TenantDomainClaim": "TenantDomainClaim",
    "TenantPatch": "TenantPatch",
    "TenantRef": "TenantRef",
    "UpdateUserRoleResult": "UpdateUserRoleResult",
    "User": "User",
    "UserSummary": "UserSummary",
    "VerifyResponse": "VerifyResponse",
    "ViewResponse": "ViewResponse",
}


def go_tags() -> dict[str, dict[str, bool]]:
    """Parse `type X struct { ... json:"name,omitempty" }` blocks out of the reference.

    Each Go type → its JSON field names → whether the field is `omitempty`.
    """
    text = REFERENCE.read_text()
    found: dict[str, dict[str, bool]] = {}
    for match in re.finditer(r"type (\w+)(?:\[[^\]]*\])? struct \{(.*?)\}\s*\n", text, re.S):
        tags = {
            name: "omitempty" in options
            for name, options in re.findall(r'json:"([^",]+)((?:,[a-z]+)*)"', match.group(2))
            if name != "-"
        }
        if tags:
            found[match.group(1)] = tags
    return found


def go_json_fields() -> dict[str, set[str]]:
    return {name: set(tags) for name, tags in go_tags().items()}


def schema_properties(spec: dict[str, Any], name: str) -> set[str]:
    schema = spec["components"]["schemas"][name]
    props = set(schema.get("properties", {}))
    for part in schema.get("allOf", []):
        props |= set(resolve(spec, part).get("properties", {}))
    return props


def test_schemas_use_the_go_types_json_field_names(spec: dict[str, Any]) -> None:
    go = go_json_fields()
    assert set(GO_TO_SPEC) <= set(go), set(GO_TO_SPEC) - set(go)
    for go_name, spec_name in GO_TO_SPEC.items():
        missing = go[go_name] - schema_properties(spec, spec_name)
        assert not missing, f"{spec_name} lacks {go_name}'s JSON fields {sorted(missing)}"


# Required although the Go type always encodes them: a response that lacks them cannot be
# used at all. Everything else a Go type always encodes is still optional in the spec, so
# an issuer that leaves a zero value out parses too.
def test_required_fields_are_ones_the_go_type_always_sends(spec: dict[str, Any]) -> None:
    """An `omitempty` field may be absent on the wire: the spec must not require it."""
    tags = go_tags()
    for go_name, spec_name in GO_TO_SPEC.items():
        if go_name == "Claims":
            # Not a wire body: what the verifier demands of a token it accepts (no `exp`,
            # no acceptance), a security policy rather than a shape to parse.
            continue
        schema = spec["components"]["schemas"][spec_name]
        required = set(schema.get("required", []))
        for part in schema.get("allOf", []):
            required |= set(resolve(spec, part).get("required", []))
        for field in required:
            assert field in tags[go_name], f"{spec_name} requires {field}, unknown to {go_name}"
            assert not tags[go_name][field], f"{spec_name} requires {go_name}'s omitempty {field}"
