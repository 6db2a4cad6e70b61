"""realmid with OpenTelemetry: the spans and metrics of a few calls, printed as they end.

Run it with ``python -m examples.telemetry`` (needs ``opentelemetry-sdk``). Against the
embedded emulator: a tenant is created (the first call also mints the platform token), a
user's token is verified twice (the first fetches the JWKS, the second is served from
memory), a refused call shows an ERROR span with its code. Each span prints one line as it
ends, the metric data points after. See docs/observability.md.
"""

from __future__ import annotations

from collections.abc import Sequence

from opentelemetry import metrics, trace
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult

import realmid
from realmid.testing import RealmEmulator


class OneLinePerSpan(SpanExporter):
    """Prints ``name  status  attributes`` for every span that ends (a console exporter)."""

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        for span in spans:
            parent = "  " if span.parent is None else "    "
            attrs = ", ".join(f"{k}={v!r}" for k, v in (span.attributes or {}).items())
            status = span.status.status_code.name
            print(f"span {parent}{span.name} [{status}] {attrs}")
        return SpanExportResult.SUCCESS


def main() -> None:
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(OneLinePerSpan()))
    trace.set_tracer_provider(tracer_provider)
    reader = InMemoryMetricReader()
    metrics.set_meter_provider(MeterProvider(metric_readers=[reader]))

    with RealmEmulator() as emu:
        realm = realmid.Realm(realm_id=emu.realm_id, api_key=emu.api_key, base_url=emu.base_url)
        with realm:
            tenant = realm.tenants.create("Telemetry Demo")
            user = emu.seed_user("otel@example.test", {tenant.id: "member"})
            token = str(emu.session_for(user.id, tenant.id)["access_token"])
            realm.verify(token)
            realm.verify(token)
            try:
                realm.tenants.get("01HZZZZZZZZZZZZZZZZZZZZZZZ")
            except realmid.RealmError as err:
                print(f"refused as expected: {err.code}")

    data = reader.get_metrics_data()
    for resource in data.resource_metrics if data is not None else []:
        for scope in resource.scope_metrics:
            for metric in scope.metrics:
                for point in metric.data.data_points:
                    value = getattr(point, "value", None)
                    if value is None:
                        value = getattr(point, "count", None)
                    print(f"metric {metric.name} {dict(point.attributes or {})} = {value}")


if __name__ == "__main__":
    main()
