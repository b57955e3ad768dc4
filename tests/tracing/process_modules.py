"""Run as a process (`python -m tests.tracing.process_modules`): with the gateway's
settings from the environment, one createInvoice and one worker pass delivering its
webhook; then prints `LOADED <json>`: the OpenTelemetry trace SDK, exporter and
instrumentation modules the process has imported, and its global tracer provider's
class. (redis-py imports the metrics SDK for its own, unused, observability.)"""

from __future__ import annotations

import asyncio
import json
import os
import sys

from opentelemetry import trace

from gateway.delivery.worker import run_once
from gateway.settings import Settings
from tests.apptest import seeded_gateway
from tests.delivery.harness import add_endpoint, delivery_settings, running_receiver
from tests.graphql.helpers import CREATE, gql, invoice_input

TRACING_MODULES = (
    "opentelemetry.sdk.trace",
    "opentelemetry.exporter",
    "opentelemetry.instrumentation",
)


async def main() -> None:
    tracing = Settings.from_env(os.environ).tracing
    settings = delivery_settings(os.environ["DATABASE_URL"], tracing=tracing)
    async with running_receiver() as receiver, seeded_gateway(settings) as (client, runtime):
        await add_endpoint(runtime, receiver, "a")
        response = await gql(client, CREATE, {"input": invoice_input(status="DRAFT")})
        assert response.json()["data"]["createInvoice"]["userErrors"] == []
        assert (await run_once(runtime)).delivered == 1
    loaded = sorted(name for name in sys.modules if name.startswith(TRACING_MODULES))
    provider = type(trace.get_tracer_provider()).__name__
    print("LOADED " + json.dumps({"modules": loaded, "provider": provider}), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
