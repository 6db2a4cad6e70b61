"""Raw fault answers: error bodies that are not the envelope (proxies, Go's 404, odd JSON)."""

from __future__ import annotations

import pytest
from emu_support import Api, assert_error

from realmid.testing import RealmEmulator
from realmid.testing.faults import GO_NOT_FOUND, PROXY_HTML


def test_a_proxy_html_page(api: Api, emulator: RealmEmulator) -> None:
    api.headers()  # log the platform in before the fault is armed
    emulator.faults.proxy_html_next(path_prefix="/tenants")
    response = api.get("/tenants")
    assert response.status_code == 502
    assert response.headers["content-type"] == "text/html"
    assert response.content == PROXY_HTML
    assert b"<html>" in response.content
    assert b"502 Bad Gateway" in response.content
    assert response.headers["x-request-id"]  # the id header survives a raw body
    assert api.get("/tenants").status_code == 200  # one answer, then back to normal


def test_gos_plain_text_404(api: Api, emulator: RealmEmulator) -> None:
    api.headers()
    emulator.faults.go_not_found_next()
    response = api.get("/tenants")
    assert response.status_code == 404
    assert response.text == "404 page not found\n"
    assert response.content == GO_NOT_FOUND
    assert response.headers["content-type"] == "text/plain; charset=utf-8"


def test_json_without_code_or_message(api: Api, emulator: RealmEmulator) -> None:
    api.headers()
    emulator.faults.codeless_json_next(status=503, retry_after=4)
    response = api.get("/tenants")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"error": "boom"}
    assert response.headers["retry-after"] == "4"


def test_an_empty_body(api: Api, emulator: RealmEmulator) -> None:
    api.headers()
    emulator.faults.empty_body_next(status=500)
    response = api.get("/tenants")
    assert response.status_code == 500
    assert response.content == b""
    assert "content-type" not in response.headers
    assert "retry-after" not in response.headers


def test_answer_next_sends_any_status_and_body(api: Api, emulator: RealmEmulator) -> None:
    api.headers()
    emulator.faults.answer_next(429, "slow down", count=2, path_prefix="/admin", retry_after=7)
    assert emulator.faults.pending() == 2
    assert api.get("/tenants").status_code == 200  # outside the prefix: untouched
    for _ in range(2):
        throttled = api.get("/admin/stats")
        assert throttled.status_code == 429
        assert throttled.text == "slow down"
        assert throttled.headers["content-type"] == "text/plain; charset=utf-8"
        assert throttled.headers["retry-after"] == "7"
    assert emulator.faults.pending() == 0
    assert api.get("/admin/stats").status_code == 200
    emulator.faults.answer_next(401, b"\x00\xffnot text", content_type="application/octet-stream")
    raw = api.get("/tenants")
    assert (raw.status_code, raw.content) == (401, b"\x00\xffnot text")


def test_raw_answers_ignore_the_profile_and_skip_the_self_check(
    api: Api, emulator: RealmEmulator
) -> None:
    api.headers()
    emulator.profile = "reference"
    before = len(emulator.contract_violations)
    # 418 is documented nowhere in the contract; a raw answer is deliberate, not a violation.
    emulator.faults.answer_next(418, '{"code":7}', content_type="application/json")
    response = api.get("/tenants")
    assert (response.status_code, response.text) == (418, '{"code":7}')
    assert emulator.contract_violations[before:] == []


def test_scripted_answers_queue_in_order_and_clear(api: Api, emulator: RealmEmulator) -> None:
    api.headers()
    emulator.faults.go_not_found_next()
    emulator.faults.proxy_html_next()
    emulator.faults.fail_next()
    assert [api.get("/tenants").status_code for _ in range(3)] == [404, 502, 503]
    emulator.faults.empty_body_next(3)
    emulator.faults.clear()
    assert emulator.faults.pending() == 0
    assert api.get("/tenants").status_code == 200


def test_presets_by_name_and_bad_arguments(api: Api, emulator: RealmEmulator) -> None:
    api.headers()
    emulator.faults.answer_preset_next("proxy_html", status=504)
    response = api.get("/tenants")
    assert response.status_code == 504
    assert response.headers["content-type"] == "text/html"
    faults = emulator.faults
    with pytest.raises(ValueError, match="4xx or 5xx"):
        faults.answer_next(200, "fine")
    with pytest.raises(ValueError, match="4xx or 5xx"):
        faults.answer_next(302, "")
    with pytest.raises(ValueError, match="count"):
        faults.answer_next(500, "", count=0)
    with pytest.raises(ValueError, match="unknown preset 'teapot'"):
        faults.answer_preset_next("teapot")
    assert faults.pending() == 0


def test_the_control_surface_scripts_raw_answers(api: Api) -> None:
    api.headers()
    http = api.http
    armed = http.post(
        "/_emulator/faults", json={"answer": {"preset": "go_not_found", "path_prefix": "/tenants"}}
    )
    assert armed.json()["scripted"][0]["kind"] == "answer"
    assert api.get("/tenants").text == "404 page not found\n"
    http.post(
        "/_emulator/faults",
        json={"answer": {"status": 503, "body": "<h1>down</h1>", "content_type": "text/html"}},
    )
    down = api.get("/tenants")
    assert (down.status_code, down.text, down.headers["content-type"]) == (
        503,
        "<h1>down</h1>",
        "text/html",
    )
    assert_error(
        http.post("/_emulator/faults", json={"answer": {"status": 200}}), 400, "bad_request"
    )
