"""With opentelemetry-api installed but no provider set (it often comes as a dependency of a
dependency), the guard's per-request hook does not look for a span; once the application
sets a global tracer provider, the decision lands on the request's span again.

In a child process: the session's telemetry fixture sets global providers for good."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent(
    """
    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from realmid import _telemetry

    _telemetry.load()
    looked = []
    real = trace.get_current_span

    def counting(*args, **kwargs):
        looked.append(1)
        return real(*args, **kwargs)

    trace.get_current_span = counting
    _telemetry.middleware_decision("ok")
    print("before a provider:", len(looked))

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    with trace.get_tracer("app").start_as_current_span("request"):
        before = len(looked)  # starting the span looked up its parent
        _telemetry.middleware_decision("expired")
        during = len(looked) - before
    (span,) = exporter.get_finished_spans()
    print("after:", during, span.attributes.get("realmid.decision"))
    """
)


def child_says(script: str, *args: str) -> list[str]:
    """The lines a fresh interpreter running ``script`` prints (it must succeed)."""
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_the_guard_reads_no_span_until_a_tracer_provider_is_set() -> None:
    assert child_says(CHILD) == ["before a provider: 0", "after: 1 expired"]


# The guard's hit path (authenticate_local) tests for providers inline, without a call: a
# real request's decision must still reach a tracer provider set alone, or a meter
# provider set alone.
GUARD_CHILD = textwrap.dedent(
    """
    import sys
    from opentelemetry import metrics, trace
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import InMemoryMetricReader
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    import realmid
    from realmid import _telemetry
    from realmid.testing import RealmEmulator

    async def app(scope, receive, send):
        pass

    with RealmEmulator() as emu:
        tenant = emu.create_tenant("Guard Co")
        user = emu.seed_user("guard@example.test", {tenant: "owner"})
        token = emu.session_for(user.id, tenant)["access_token"]
        with realmid.Realm(
            realm_id=emu.realm_id, api_key=emu.api_key, base_url=emu.base_url
        ) as realm:
            realm.verify(token)
            flow = realm.asgi_middleware(app).flow
            called = []
            real = _telemetry.middleware_decision
            _telemetry.middleware_decision = lambda *a, **k: (called.append(1), real(*a, **k))
            flow.authenticate_local("Bearer " + token, None)
            print("no provider:", len(called))
            if sys.argv[1] == "trace":
                exporter = InMemorySpanExporter()
                provider = TracerProvider()
                provider.add_span_processor(SimpleSpanProcessor(exporter))
                trace.set_tracer_provider(provider)
                with trace.get_tracer("app").start_as_current_span("request"):
                    flow.authenticate_local("Bearer " + token, None)
                (span,) = exporter.get_finished_spans()
                print("trace:", span.attributes.get("realmid.decision"))
            else:
                reader = InMemoryMetricReader()
                metrics.set_meter_provider(MeterProvider(metric_readers=[reader]))
                flow.authenticate_local("Bearer " + token, None)
                points = [
                    (p.attributes.get("realmid.outcome"), p.value)
                    for rm in reader.get_metrics_data().resource_metrics
                    for sm in rm.scope_metrics
                    for m in sm.metrics
                    if m.name == "realmid.middleware.decisions"
                    for p in m.data.data_points
                ]
                print("metrics:", points)
    """
)


def test_the_guards_hit_path_reports_to_either_provider_set_alone() -> None:
    answers = {provider: child_says(GUARD_CHILD, provider) for provider in ("trace", "metrics")}
    assert answers == {
        "trace": ["no provider: 0", "trace: ok"],
        "metrics": ["no provider: 0", "metrics: [('ok', 1)]"],
    }
