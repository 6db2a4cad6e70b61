"""OpenTelemetry SDK providers for the telemetry tests: set once per process (the global
providers cannot be replaced), read per test through :class:`Telemetry`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs
import pytest
from opentelemetry import metrics, trace
from opentelemetry.sdk.metrics import Counter, Histogram, MeterProvider, ObservableCounter
from opentelemetry.sdk.metrics.export import AggregationTemporality, InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from realmid.testing import RealmEmulator


@attrs.frozen
class Point:
    """One metric data point: its metric's name, attributes and value (sum or count)."""

    name: str
    attributes: dict[str, Any]
    value: float


@attrs.define
class Telemetry:
    exporter: InMemorySpanExporter
    reader: InMemoryMetricReader

    def reset(self) -> None:
        self.exporter.clear()
        self.reader.get_metrics_data()  # delta temporality: a collect starts afresh

    def spans(self, name: str | None = None) -> list[ReadableSpan]:
        found = list(self.exporter.get_finished_spans())
        return [s for s in found if name is None or s.name == name]

    def span(self, name: str) -> ReadableSpan:
        found = self.spans(name)
        assert len(found) == 1, [s.name for s in self.spans()]
        return found[0]

    def points(self, name: str | None = None) -> list[Point]:
        """Data points since the last call (delta temporality)."""
        data = self.reader.get_metrics_data()
        out: list[Point] = []
        if data is None:
            return out
        for resource_metrics in data.resource_metrics:
            for scope in resource_metrics.scope_metrics:
                for metric in scope.metrics:
                    if name is not None and metric.name != name:
                        continue
                    for point in metric.data.data_points:
                        value = getattr(point, "value", None)
                        if value is None:
                            value = point.count  # type: ignore[union-attr]
                        if value:  # an observable counter repeats its keys with delta 0
                            out.append(Point(metric.name, dict(point.attributes or {}), value))
        return out


@pytest.fixture(scope="session")
def otel_sdk() -> Telemetry:
    exporter = InMemorySpanExporter()
    current = trace.get_tracer_provider()
    if isinstance(current, TracerProvider):
        # Set earlier in this process (docs/observability.md's example, run by test_docs):
        # it cannot be replaced, but it takes one more processor.
        current.add_span_processor(SimpleSpanProcessor(exporter))
    else:
        tracer_provider = TracerProvider()
        tracer_provider.add_span_processor(SimpleSpanProcessor(exporter))
        trace.set_tracer_provider(tracer_provider)
    assert not isinstance(metrics.get_meter_provider(), MeterProvider), "set once, here"
    delta = AggregationTemporality.DELTA
    reader = InMemoryMetricReader(
        preferred_temporality={Counter: delta, Histogram: delta, ObservableCounter: delta},
    )
    metrics.set_meter_provider(MeterProvider(metric_readers=[reader]))
    return Telemetry(exporter, reader)


@pytest.fixture
def telemetry(otel_sdk: Telemetry) -> Iterator[Telemetry]:
    otel_sdk.reset()
    yield otel_sdk
    otel_sdk.reset()


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(params=["sync", "async"])
def face(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def emu(emulator: RealmEmulator) -> RealmEmulator:
    return emulator
