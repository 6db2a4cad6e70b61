"""schemathesis drives every operation of openapi/realmid.yaml against the running emulator.

One :class:`RealmEmulator` serves the whole module over loopback HTTP. Every generated
case (positive and negative modes; examples, coverage and fuzzing phases) is sent with the
bearer its operation's security asks for, and every answer must conform: no 5xx, a
documented status, the documented content type, headers and body schema (the one error
envelope for errors); negative data must be refused, an undeclared method must get a 405
with ``Allow``. The emulator's own self-check (``emu.contract_violations``) must stay empty.
An operation the emulator has no handler for is skipped (it answers 501, and
``tests/emulator/test_emu_contract.py`` fails for it by name).
The run's size is printed in the terminal summary (``schemathesis: N operations, M cases``).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import schemathesis
import yaml
from contract_support import Credentials, SchemathesisTally
from schemathesis.checks import CheckFunction, not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    missing_required_header,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from realmid.testing import RealmEmulator

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi" / "realmid.yaml"
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
# Fuzzing examples per operation and generation mode; the coverage phase adds its own
# deterministic boundary cases on top.
MAX_EXAMPLES = 50

CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {
            "mode": "all",
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,
            "database": "none",
        },
    }
)
schema = schemathesis.openapi.from_path(SPEC_PATH, config=CONFIG)

# Left out on purpose: positive_data_acceptance, because schema-valid requests are rightly
# refused with 400 where a rule spans parameters (X-On-Behalf-Of-User with a platform
# bearer, Origin on a user login, a cursor the list never issued); allow_header_conformance,
# because GET /otp/verify is served (as GET /otp/{otp_id}), so a 405 there lists it in Allow.
CHECKS: list[CheckFunction] = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    missing_required_header,
    unsupported_method,
]


def spec_operations() -> set[str]:
    """The operationIds of the contract, read straight from the document."""
    document = yaml.safe_load(SPEC_PATH.read_text())
    return {
        op["operationId"]
        for item in document["paths"].values()
        for method, op in item.items()
        if method in HTTP_METHODS
    }


@pytest.fixture(scope="module")
def emu() -> Iterator[RealmEmulator]:
    # A rate limit far above what the run sends, so no answer is a throttling 429.
    with RealmEmulator(rate_limit=1_000_000) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def credentials(emu: RealmEmulator) -> Iterator[Credentials]:
    tenant_id = emu.create_tenant("Contract Tenant")
    # With a second factor, so POST /auth/mfa/challenge has something to challenge.
    user = emu.seed_user("contract-user@example.test", {tenant_id: "owner"}, mfa=True)
    creds = Credentials(emu, user.id)
    yield creds
    creds.close()


@pytest.fixture(scope="module")
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session


def _scheme(case: schemathesis.Case) -> str | None:
    """The bearer an operation takes: platform first, else user, else the platform refresh."""
    raw = case.operation.definition.raw
    security = raw.get("security", schema.raw_schema.get("security", []))
    schemes = {name for alternative in security for name in alternative}
    for scheme in ("platformBearer", "userBearer", "platformRefreshBearer"):
        if scheme in schemes:
            return scheme
    return None


def authorize(case: schemathesis.Case, credentials: Credentials) -> None:
    """Send the bearer the operation's security asks for.

    Applied at call time rather than through a schemathesis auth provider: coverage-phase
    cases are built (and a provider applied) at collection, before the emulator runs. A
    case whose security parameter schemathesis negated on purpose keeps what it generated:
    it is the negative test of the credentials themselves (and must get the 401 envelope).
    """
    if schema.is_security_param_negated(case):
        return
    scheme = _scheme(case)
    if scheme is not None:
        case.headers["Authorization"] = f"Bearer {credentials.bearer(scheme)}"


class Steering:
    """Points every other positive case at things that exist, so success paths run too.

    Generated ids name nothing in the emulator, so left alone nearly every answer would be
    a 403 or 404 and the success bodies would never be checked. A steered case keeps every
    generated value but the ids and secrets, which become those of a fresh tenant and its
    owner (every other one with a second factor, so logins also meet ``mfa_required``):
    whatever the case does to them (delete, suspend, transfer, log out) stays its own.
    Negative cases are never steered, so what they negate is sent as generated.
    """

    def __init__(self, emu: RealmEmulator) -> None:
        self.emu = emu
        self.config = emu.config()
        self._count = itertools.count()

    def apply(self, case: schemathesis.Case) -> None:
        if case.meta is None or not case.meta.generation.mode.is_positive:
            return
        n = next(self._count)
        if n % 2:
            return
        emu = self.emu
        tenant_id = emu.create_tenant(f"Steered Tenant {n}")
        email = f"steered-{n}@example.test"
        user_id = emu.seed_user(email, {tenant_id: "owner"}, mfa=n % 4 == 0).id
        ids = {"platform_id": emu.realm_id, "tenant_id": tenant_id, "user_id": user_id}
        for name in ids.keys() & case.path_parameters.keys():
            case.path_parameters[name] = ids[name]
        if "X-On-Behalf-Of-User" in case.headers:
            case.headers["X-On-Behalf-Of-User"] = user_id
        if "Origin" in case.headers:
            case.headers["Origin"] = emu.origin
        body = case.body
        if isinstance(body, dict):
            for name, value in (("realm_id", emu.realm_id), ("tenant_id", tenant_id)):
                if isinstance(body.get(name), str):
                    body[name] = value
            if isinstance(body.get("api_key"), str):
                body["api_key"] = emu.api_key
            if isinstance(body.get("refresh_token"), str):
                body["refresh_token"] = emu.session_for(user_id)["refresh_token"]
            method = body.get("method")
            if method in ("firebase", "google") and isinstance(body.get("provider_token"), str):
                body["provider_token"] = emu.mint_provider_token(email, method)

    def reset(self) -> None:
        """Undo what a steered case may have changed realm-wide (its config)."""
        self.emu.set_config(**self.config)


@pytest.fixture(scope="module")
def steering(emu: RealmEmulator) -> Steering:
    return Steering(emu)


@schema.parametrize()
def test_operation_conforms(
    case: schemathesis.Case,
    emu: RealmEmulator,
    credentials: Credentials,
    steering: Steering,
    http: requests.Session,
    schemathesis_tally: SchemathesisTally,
) -> None:
    operation_id = str(case.operation.definition.raw["operationId"])
    if operation_id in emu.unhandled_operations:
        # Its 501 is tests/emulator's test_every_operation_has_a_handler failure; failing
        # here too would only repeat it.
        pytest.skip(f"the emulator has no handler for {operation_id}")
    steering.apply(case)
    authorize(case, credentials)
    schemathesis_tally.record(operation_id)
    before = len(emu.contract_violations)
    try:
        case.call_and_validate(base_url=emu.base_url, session=http, checks=CHECKS)
    finally:
        steering.reset()
    assert emu.contract_violations[before:] == []


def test_every_operation_was_driven(
    request: pytest.FixtureRequest, emu: RealmEmulator, schemathesis_tally: SchemathesisTally
) -> None:
    operations = spec_operations()
    # One test item per operation schemathesis found in the document.
    driven = [item for item in request.session.items if hasattr(item, "operation_label")]
    if len(driven) < len(operations):
        pytest.skip("only some operations were selected")
    assert len(driven) == len(operations)
    # Operations without a handler are skipped above (and fail in tests/emulator).
    served = operations - set(emu.unhandled_operations)
    assert schemathesis_tally.operations == served
    assert schemathesis_tally.cases >= 10 * len(served)
    assert emu.contract_violations == []
