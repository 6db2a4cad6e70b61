"""The wire contract (``openapi/realmid.yaml``), indexed for routing and validation.

:func:`load_contract` is the only place that reads the document; everything else works
from the compiled :class:`Contract` that :func:`get_contract` builds once per process.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry
from referencing.jsonschema import DRAFT202012

SPEC_URI = "urn:realmid:openapi"
HTTP_METHODS = ("get", "post", "put", "patch", "delete")


def load_contract() -> dict[str, Any]:
    """The OpenAPI document the emulator implements.

    It is the copy the generator ships inside ``realmid_api`` (``openapi.json``), so an
    installed SDK's emulator always speaks exactly the contract its client was built from.
    """
    raw = resources.files("realmid_api").joinpath("openapi.json").read_bytes()
    document = json.loads(raw)
    if not isinstance(document, dict):
        raise TypeError("realmid_api/openapi.json is not an OpenAPI document")
    return document


class InputError(Exception):
    """A request part does not satisfy the contract.

    ``where`` is ``path``, ``query``, ``header`` or ``body``; ``field`` is the first
    property name on the failing JSON path (for per-field error codes), if any.
    """

    def __init__(self, where: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.where = where
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Parameter:
    """One declared path, query or header parameter of an operation."""

    name: str
    location: str
    required: bool
    schema: Mapping[str, Any]
    validator: Draft202012Validator = field(compare=False, repr=False)

    @property
    def is_array(self) -> bool:
        """Whether the parameter repeats (``style: form, explode: true``)."""
        return self.schema.get("type") == "array"

    def coerce(self, raw: Sequence[str]) -> Any:
        """Turn the raw string value(s) into the JSON type the schema describes."""
        if self.is_array:
            items = self.schema.get("items", {})
            return [_coerce_scalar(self.name, items, value) for value in raw]
        return _coerce_scalar(self.name, self.schema, raw[-1])

    def check(self, value: Any) -> None:
        """Validate a coerced value; raises :class:`InputError`."""
        error = best_match(self.validator.iter_errors(value))
        if error is not None:
            rule = _describe(error).removeprefix("body: ")
            raise InputError(self.location, f"{self.location} parameter {self.name!r}: {rule}")


def _coerce_scalar(name: str, schema: Mapping[str, Any], raw: str) -> Any:
    kind = schema.get("type")
    if kind == "integer":
        try:
            return int(raw, 10)
        except ValueError:
            raise InputError("query", f"parameter {name!r} must be an integer") from None
    if kind == "boolean":
        if raw in ("true", "false"):
            return raw == "true"
        raise InputError("query", f"parameter {name!r} must be true or false")
    return raw


@dataclass(frozen=True)
class Operation:
    """One operation of the contract, with what the emulator needs to serve it."""

    operation_id: str
    method: str
    path: str
    pattern: re.Pattern[str] = field(compare=False, repr=False)
    parameters: tuple[Parameter, ...] = field(compare=False, repr=False)
    body_validator: Draft202012Validator | None = field(compare=False, repr=False)
    body_required: bool
    statuses: frozenset[int]
    response_validators: Mapping[int, Draft202012Validator] = field(compare=False, repr=False)
    # Each alternative is a set of scheme names that must all hold; an empty set means
    # the operation may be called anonymously.
    security: tuple[frozenset[str], ...]

    def documents(self, status: int) -> bool:
        """Whether ``status`` is one of the responses the contract lists for this operation."""
        return status in self.statuses

    def allows(self, scheme: str) -> bool:
        """Whether ``scheme`` (e.g. ``platformBearer``) is one way to call this operation."""
        return any(scheme in alternative for alternative in self.security)

    @property
    def anonymous(self) -> bool:
        """Whether the operation may be called without credentials."""
        return any(not alternative for alternative in self.security)

    def param(self, location: str, name: str) -> Parameter | None:
        """The declared parameter ``name`` in ``location``, if any."""
        for parameter in self.parameters:
            if parameter.location == location and parameter.name.lower() == name.lower():
                return parameter
        return None

    def check_body(self, body: Any) -> None:
        """Validate a parsed JSON body; raises :class:`InputError`."""
        if self.body_validator is None:
            return
        errors = [_tagged_branch(error) for error in self.body_validator.iter_errors(body)]
        error = best_match(errors)
        if error is not None:
            raise InputError("body", _describe(error), _first_property(error))

    def check_response(self, status: int, body: Any) -> str | None:
        """Why ``body`` is not a valid ``status`` answer of this operation, or None."""
        if not self.documents(status):
            return f"{self.operation_id}: status {status} is not documented"
        validator = self.response_validators.get(status)
        if validator is None:
            if body is not None:
                return f"{self.operation_id}: status {status} documents no body but one was sent"
            return None
        error = best_match(validator.iter_errors(body))
        if error is not None:
            return f"{self.operation_id} {status}: {_describe(error)}"
        return None


def _tagged_branch(error: ValidationError) -> ValidationError:
    """For a ``oneOf`` of tagged objects, the error from the branch the tag selected.

    ``best_match`` would otherwise report the tag mismatch of a branch the client never
    meant (``grant_type: 'provider_token' was expected``) instead of the real problem.
    """
    if error.validator != "oneOf" or not error.context:
        return error
    branches: dict[Any, list[ValidationError]] = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    chosen = [
        errors
        for errors in branches.values()
        if not any(sub.validator == "const" and len(sub.relative_path) == 1 for sub in errors)
    ]
    if len(chosen) == 1:
        return best_match(chosen[0]) or error
    return error


_RULES = {
    "type": "must be of type {}",
    "enum": "must be one of {}",
    "const": "must be {!r}",
    "pattern": "must match {}",
    "minLength": "must be at least {} characters long",
    "maxLength": "must be at most {} characters long",
    "minimum": "must be at least {}",
    "maximum": "must be at most {}",
    "minItems": "must have at least {} items",
    "maxItems": "must have at most {} items",
    "minProperties": "must have at least {} members",
    "oneOf": "does not match any accepted shape",
    "anyOf": "does not match any accepted shape",
}


def _describe(error: ValidationError) -> str:
    """A message naming the place and the rule, never echoing the value.

    Values may be secrets (``api_key``, ``provider_token``, ``presented``), and the
    envelope's message ends up in partners' logs.
    """
    where = "body" if error.json_path == "$" else error.json_path.replace("$.", "", 1)
    if error.validator in ("required", "additionalProperties"):
        rule = error.message
    else:
        template = _RULES.get(str(error.validator), "fails the {} rule")
        value = error.validator_value if str(error.validator) in _RULES else error.validator
        rule = template.format(value)
    return f"{where}: {rule}"


def _first_property(error: ValidationError) -> str | None:
    for part in error.absolute_path:
        if isinstance(part, str):
            return part
        return None
    # A missing required property names the property only in the message; the validator
    # keyword tells us which one failed.
    if error.validator == "required" and isinstance(error.instance, dict):
        required: list[str] = list(error.validator_value)  # type: ignore[arg-type]
        for name in required:
            if name not in error.instance:
                return str(name)
    return None


class Contract:
    """The compiled contract: operations, a router over their paths, validators."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        self.registry: Registry[Any] = Registry().with_resource(
            SPEC_URI, DRAFT202012.create_resource(document)
        )
        default_security = document.get("security", [])
        operations: list[Operation] = []
        for path, item in document.get("paths", {}).items():
            shared = item.get("parameters", [])
            for method in HTTP_METHODS:
                spec = item.get(method)
                if spec is not None:
                    operations.append(self._compile(path, method, spec, shared, default_security))
        # Static segments win over templated ones at the same position, so /otp/verify is
        # tried before /otp/{otp_id}.
        operations.sort(key=lambda op: [seg.startswith("{") for seg in op.path.split("/")])
        self.operations: tuple[Operation, ...] = tuple(operations)
        self.by_id = {op.operation_id: op for op in operations}

    def resolve(self, node: Mapping[str, Any]) -> Mapping[str, Any]:
        """Follow local ``$ref``s until a concrete node."""
        seen = 0
        while "$ref" in node:
            target: Any = self.document
            for part in str(node["$ref"]).removeprefix("#/").split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            node = target
            seen += 1
            if seen > 32:
                raise ValueError("reference cycle in the contract")
        return node

    def validator(self, schema: Mapping[str, Any]) -> Draft202012Validator:
        """A Draft 2020-12 validator for a schema node of the document."""
        return Draft202012Validator(_absolute_refs(schema), registry=self.registry)

    def match(self, method: str, path: str) -> tuple[Operation | None, dict[str, str], bool]:
        """The operation serving ``method path``, its path parameters, and whether the path exists.

        ``(None, {}, True)`` means the path is known but not for this method.
        """
        path_known = False
        for op in self.operations:
            found = op.pattern.fullmatch(path)
            if found is None:
                continue
            path_known = True
            if op.method == method.lower():
                return op, found.groupdict(), True
        return None, {}, path_known

    def methods_at(self, path: str) -> list[str]:
        """The methods served on ``path``, upper case (the ``Allow`` header of a 405)."""
        return [op.method.upper() for op in self.operations if op.pattern.fullmatch(path)]

    def _compile(
        self,
        path: str,
        method: str,
        spec: Mapping[str, Any],
        shared: Sequence[Mapping[str, Any]],
        default_security: Sequence[Mapping[str, Any]],
    ) -> Operation:
        parameters: dict[tuple[str, str], Parameter] = {}
        for raw in [*shared, *spec.get("parameters", [])]:
            node = self.resolve(raw)
            schema = node.get("schema", {})
            param = Parameter(
                name=str(node["name"]),
                location=str(node["in"]),
                required=bool(node.get("required", False)),
                schema=self.resolve(schema),
                validator=self.validator(schema),
            )
            parameters[(param.location, param.name.lower())] = param
        body_validator = None
        body_required = False
        if "requestBody" in spec:
            body = self.resolve(spec["requestBody"])
            body_required = bool(body.get("required", False))
            media = body.get("content", {}).get("application/json")
            if media is not None and "schema" in media:
                body_validator = self.validator(media["schema"])
        statuses: set[int] = set()
        response_validators: dict[int, Draft202012Validator] = {}
        for code, raw_response in spec.get("responses", {}).items():
            status = int(code)
            statuses.add(status)
            response = self.resolve(raw_response)
            media = response.get("content", {}).get("application/json")
            if media is not None and "schema" in media:
                response_validators[status] = self.validator(media["schema"])
        security = spec.get("security", default_security)
        regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(path))
        return Operation(
            operation_id=str(spec["operationId"]),
            method=method,
            path=path,
            pattern=re.compile(regex),
            parameters=tuple(parameters.values()),
            body_validator=body_validator,
            body_required=body_required,
            statuses=frozenset(statuses),
            response_validators=response_validators,
            security=tuple(frozenset(alternative) for alternative in security),
        )


def _absolute_refs(node: Any) -> Any:
    """A copy of ``node`` whose local ``$ref``s point into the registered document."""
    if isinstance(node, Mapping):
        out = {key: _absolute_refs(value) for key, value in node.items()}
        ref = out.get("$ref")
        if isinstance(ref, str) and ref.startswith("#"):
            out["$ref"] = SPEC_URI + ref
        return out
    if isinstance(node, list):
        return [_absolute_refs(value) for value in node]
    return copy.copy(node)


@functools.cache
def get_contract() -> Contract:
    """The compiled contract, built once per process (emulators share it read-only)."""
    return Contract(load_contract())
