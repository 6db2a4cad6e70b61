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


def test_the_guard_reads_no_span_until_a_tracer_provider_is_set() -> None:
    done = subprocess.run(
        [sys.executable, "-c", CHILD],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["before a provider: 0", "after: 1 expired"]
