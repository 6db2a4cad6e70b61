"""The ``/_emulator/*`` control surface (not in the contract) for out-of-process drivers.

A process started with ``python -m realmid.testing`` is driven through these routes the
way a test drives an in-process emulator through :class:`RealmEmulator`'s methods.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from realmid.testing.app import Runtime
from realmid.testing.directory import tenant_body
from realmid.testing.errors import ApiError, bad_request, not_found
from realmid.testing.faults import TEXT_PLAIN
from realmid.testing.partner_otp import issue
from realmid.testing.realms import AudienceTaken, checked_config_patch, create_realm
from realmid.testing.seeding import seed_session, seed_tenant, seed_user

Endpoint = Callable[[Request], Awaitable[Response]]
log = logging.getLogger("realmid.testing")


async def _json(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError:
        raise bad_request("the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise bad_request("the body must be a JSON object")
    return body


def _endpoint(runtime: Runtime, work: Callable[[Request, dict[str, Any]], Any]) -> Endpoint:
    """Wrap ``work(request, body)``: JSON in, JSON out, errors as the envelope."""

    async def endpoint(request: Request) -> Response:
        request_id = request.scope.get("realmid.request_id")
        try:
            body = await _json(request)
            with runtime.store.lock:
                result = work(request, body)
        except ApiError as error:
            return JSONResponse(error.envelope(request_id), status_code=error.status)
        except (ValueError, KeyError, TypeError, IndexError) as exc:
            failure = bad_request(f"invalid control request: {exc!r}")
            return JSONResponse(failure.envelope(request_id), status_code=400)
        except Exception:  # a control bug must still answer the envelope, never a bare 500
            log.exception("control route failed")
            failure = ApiError(500, "server_error", "control route failed")
            return JSONResponse(failure.envelope(request_id), status_code=500)
        if result is None:
            return Response(status_code=204)
        return JSONResponse(result)

    return endpoint


def control_routes(runtime: Runtime) -> list[Route]:
    """The control routes, bound to ``runtime``."""
    store = runtime.store

    def realm_of(body: dict[str, Any]) -> str:
        return str(body.get("realm_id") or runtime.default_realm.realm_id)

    def info(_: Request, __: dict[str, Any]) -> Any:
        handle = runtime.default_realm
        return {
            "base_url": store.base_url,
            "realm_id": handle.realm_id,
            "api_key": handle.api_key,
            "audience": handle.audience,
            "kids": store.keys.kids(),
            "clock_offset": store.clock.offset,
            "profile": runtime.profile,
            "unhandled_operations": list(runtime.unhandled_operations),
        }

    def profile(_: Request, body: dict[str, Any]) -> Any:
        runtime.profile = str(body["profile"])
        return {"profile": runtime.profile}

    def add_realm(_: Request, body: dict[str, Any]) -> Any:
        try:
            handle = create_realm(
                store,
                str(body.get("display_name") or "Emulated Realm"),
                audience=body.get("audience"),
                config=body.get("config"),
                allow_shared_audience=body.get("allow_shared_audience") is True,
            )
        except AudienceTaken as exc:
            raise ApiError(409, "audience_taken", str(exc)) from None
        return {
            "realm_id": handle.realm_id,
            "api_key": handle.api_key,
            "audience": handle.audience,
            "domain": handle.domain,
            "display_name": handle.display_name,
        }

    def set_config(request: Request, body: dict[str, Any]) -> Any:
        realm = store.realm(request.path_params["realm_id"])
        if realm is None:
            raise not_found("no such realm")
        realm.config.update(checked_config_patch(body))
        return dict(realm.config)

    def add_tenant(_: Request, body: dict[str, Any]) -> Any:
        tenant = seed_tenant(
            store,
            realm_of(body),
            str(body["display_name"]),
            owner_email=body.get("owner_email"),
            allowed_domains=tuple(body.get("allowed_domains") or ()),
            signup_mode=str(body.get("signup_mode") or "closed"),
        )
        return tenant_body(tenant)

    def add_user(_: Request, body: dict[str, Any]) -> Any:
        user = seed_user(
            store,
            realm_of(body),
            str(body["email"]),
            tenants=body.get("tenants") or {},
            status=str(body.get("status") or "active"),
            display_name=body.get("display_name"),
            mfa=bool(body.get("mfa")),
        )
        return user.as_dict()

    def add_session(_: Request, body: dict[str, Any]) -> Any:
        return seed_session(
            store, str(body["user_id"]), body.get("tenant_id"), mfa=bool(body.get("mfa"))
        )

    def provider_token(_: Request, body: dict[str, Any]) -> Any:
        token = store.provider.mint(
            email=str(body["email"]),
            method=str(body.get("method") or "firebase"),
            now=store.now(),
            expires_in=int(body.get("expires_in", 3600)),
            email_verified=bool(body.get("email_verified", True)),
            display_name=body.get("display_name"),
            issuer=store.base_url,
        )
        return {"provider_token": token}

    def add_otp(_: Request, body: dict[str, Any]) -> Any:
        user = store.users[str(body["user_id"])]
        tenant_id = body.get("tenant_id") or store.memberships_of(user.id)[0].tenant_id
        otp = issue(
            store,
            realm_id=user.realm_id,
            tenant_id=str(tenant_id),
            issuer_user_id=user.id,
            subject_ref=str(body["subject_ref"]),
            purpose=str(body["purpose"]),
        )
        return {"id": otp.id, "value": otp.value, "tenant_id": otp.tenant_id}

    def publish_txt(_: Request, body: dict[str, Any]) -> Any:
        name = str(body["name"]).lower().rstrip(".")
        store.txt_records.setdefault(name, []).append(str(body["value"]))
        return {"name": name, "values": store.txt_records[name]}

    def unpublish_txt(_: Request, body: dict[str, Any]) -> Any:
        store.txt_records.pop(str(body["name"]).lower().rstrip("."), None)
        return None

    def publish_file(_: Request, body: dict[str, Any]) -> Any:
        key = (str(body["domain"]).lower(), str(body["path"]))
        store.files[key] = str(body["content"])
        return {"domain": key[0], "path": key[1]}

    def rotate(_: Request, __: dict[str, Any]) -> Any:
        kid = store.keys.add(store.now())
        return {"kid": kid, "kids": store.keys.kids()}

    def retire(_: Request, body: dict[str, Any]) -> Any:
        if body.get("kid"):
            store.keys.retire(str(body["kid"]))
            retired = [str(body["kid"])]
        else:
            retired = store.keys.retire_old()
        return {"retired": retired, "kids": store.keys.kids()}

    def faults(request: Request, body: dict[str, Any]) -> Any:
        if request.method == "DELETE":
            runtime.faults.clear()
        elif request.method == "POST":
            if "latency" in body:
                runtime.faults.latency = float(body["latency"])
            if "jwks_outage" in body:
                runtime.faults.jwks_outage = bool(body["jwks_outage"])
            fail = body.get("fail")
            if fail:
                runtime.faults.fail_next(
                    int(fail.get("count", 1)),
                    status=int(fail.get("status", 503)),
                    path_prefix=fail.get("path_prefix"),
                    retry_after=fail.get("retry_after"),
                )
            drop = body.get("drop")
            if drop:
                runtime.faults.drop_next(
                    int(drop.get("count", 1)), path_prefix=drop.get("path_prefix")
                )
            answer = body.get("answer")
            if answer:
                scripted_answer(answer)
        return runtime.faults.snapshot()

    def scripted_answer(answer: dict[str, Any]) -> None:
        count = int(answer.get("count", 1))
        path_prefix, retry_after = answer.get("path_prefix"), answer.get("retry_after")
        if answer.get("preset"):
            status = answer.get("status")
            runtime.faults.answer_preset_next(
                str(answer["preset"]),
                count,
                status=int(status) if status is not None else None,
                path_prefix=path_prefix,
                retry_after=retry_after,
            )
            return
        runtime.faults.answer_next(
            int(answer["status"]),
            str(answer.get("body", "")),
            content_type=answer.get("content_type", TEXT_PLAIN),
            count=count,
            path_prefix=path_prefix,
            retry_after=retry_after,
        )

    def advance(_: Request, body: dict[str, Any]) -> Any:
        now = store.clock.advance(float(body["seconds"]))
        return {"now": now, "offset": store.clock.offset}

    def rate_limit(_: Request, body: dict[str, Any]) -> Any:
        runtime.limiter.configure(float(body["rate"]), body.get("burst"))
        return {"rate": runtime.limiter.rate, "burst": runtime.limiter.burst}

    def violations(_: Request, __: dict[str, Any]) -> Any:
        return {"violations": list(runtime.violations)}

    def unknown(request: Request, _: dict[str, Any]) -> Any:
        raise not_found(f"no control route {request.url.path}")

    def route(path: str, work: Callable[[Request, dict[str, Any]], Any], *methods: str) -> Route:
        return Route(path, _endpoint(runtime, work), methods=list(methods))

    return [
        route("/info", info, "GET"),
        route("/profile", profile, "PUT"),
        route("/realms", add_realm, "POST"),
        route("/realms/{realm_id}/config", set_config, "PATCH"),
        route("/tenants", add_tenant, "POST"),
        route("/users", add_user, "POST"),
        route("/sessions", add_session, "POST"),
        route("/provider-tokens", provider_token, "POST"),
        route("/otps", add_otp, "POST"),
        route("/dns/txt", publish_txt, "POST"),
        route("/dns/txt", unpublish_txt, "DELETE"),
        route("/files", publish_file, "POST"),
        route("/keys/rotate", rotate, "POST"),
        route("/keys/retire", retire, "POST"),
        route("/faults", faults, "GET", "POST", "DELETE"),
        route("/clock/advance", advance, "POST"),
        route("/rate-limit", rate_limit, "POST"),
        route("/violations", violations, "GET"),
        route("/{rest:path}", unknown, "GET", "POST", "PUT", "PATCH", "DELETE"),
    ]
