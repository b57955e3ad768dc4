"""invoice-gateway serve | migrate | seed-demo | create-app | worker | webhooks |
credentials | apps and the resource commands."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import signal
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, replace
from typing import TypeVar

from gateway.cli_apps import add_apps_parser
from gateway.cli_credentials import add_credentials_parser
from gateway.cli_resources import add_resource_parsers
from gateway.db.migrate import upgrade
from gateway.db.tables import WebhookEndpoint
from gateway.delivery.fonts import find_pdf_fonts
from gateway.domain.errors import GatewayError
from gateway.log_config import configure_logging
from gateway.metrics.exposition import metrics_listener, multiprocess_dir
from gateway.runtime import Runtime
from gateway.services import webhook_endpoints
from gateway.services.demo import seed_demo
from gateway.services.invoice_json import iso_datetime
from gateway.services.tenants import create_app_with_credential
from gateway.settings import Settings, is_loopback_host, local_base_url
from gateway.tracing import start_tracing

T = TypeVar("T")
log = logging.getLogger("gateway.cli")

WORKER_START_SECONDS = 60


def _with_runtime(settings: Settings, work: Callable[[Runtime], Awaitable[T]]) -> T:
    async def run() -> T:
        runtime = Runtime.open(settings)
        try:
            return await work(runtime)
        finally:
            await runtime.close()

    return asyncio.run(run())


def _default_public_base_url(host: str, port: int) -> None:
    """Links (payment, pdfUrl, tracking) point at this server when PUBLIC_BASE_URL is unset.

    uvicorn's app factory, in each worker process, reads the settings from the
    environment: that is where the default has to go."""
    if os.environ.get("PUBLIC_BASE_URL"):
        return
    base_url = local_base_url(host, port)
    os.environ["PUBLIC_BASE_URL"] = base_url
    if not is_loopback_host(host):
        log.warning(
            "PUBLIC_BASE_URL is not set: links point at %s, which other machines cannot "
            "reach; set it to the address clients use",
            base_url,
        )


def _serve(args: argparse.Namespace, settings: Settings) -> int:

    find_pdf_fonts(settings.pdf_font_dir)
    _default_public_base_url(args.host, args.port)
    log.info(
        "GraphiQL at %s/graphql, readiness at /readyz; links use %s",
        local_base_url(args.host, args.port),
        os.environ["PUBLIC_BASE_URL"],
    )
    if args.migrate:
        upgrade(settings.database_url, pool=settings.database_pool)
        log.info("database schema at head")
    with multiprocess_dir(settings.metrics_multiproc_dir), metrics_listener(settings):
        _run_uvicorn(args, settings)
    return 0


def _run_uvicorn(args: argparse.Namespace, settings: Settings) -> None:
    import uvicorn

    uvicorn.run(
        "gateway.asgi:app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        loop="uvloop",
        http="httptools",
        log_level=settings.log_level,
        # Logging is gateway.log_config's (JSON lines); gateway.access_log writes one
        # line per request in place of uvicorn's access log.
        log_config=None,
        access_log=False,
        proxy_headers=True,
        # uvicorn restarts a worker that has not started within this; its default (5 s)
        # kills workers still importing on a busy machine, again and again.
        timeout_worker_healthcheck=WORKER_START_SECONDS,
    )


def _migrate(_args: argparse.Namespace, settings: Settings) -> int:
    upgrade(settings.database_url, pool=settings.database_pool)
    print("database migrated to head")
    return 0


def _seed_demo(args: argparse.Namespace, settings: Settings) -> int:
    creds = _with_runtime(settings, seed_demo)
    if args.json:
        print(
            json.dumps(
                {
                    "app_id": creds.app_id,
                    "client_key": creds.client_key,
                    "client_secret": creds.client_secret,
                }
            )
        )
    else:
        print(f"demo app:      {creds.app_id}")
        print(f"client key:    {creds.client_key}")
        print(f"client secret: {creds.client_secret}")
    return 0


def _create_app(args: argparse.Namespace, settings: Settings) -> int:
    new = _with_runtime(
        settings,
        lambda runtime: create_app_with_credential(
            runtime, args.name, args.number_format, args.credit_note_number_format
        ),
    )
    if args.json:
        print(
            json.dumps(
                {
                    "app_id": new.app_id,
                    "client_key": new.credential.client_key,
                    "client_secret": new.credential.client_secret,
                }
            )
        )
    else:
        print(f"app:           {new.app_id} ({new.name})")
        print(f"client key:    {new.credential.client_key}")
        print(f"client secret: {new.credential.client_secret}")
        print("The secret is shown only now; only its hash is stored.")
    return 0


def _worker(args: argparse.Namespace, settings: Settings) -> int:
    # Imported here: it pulls in the PDF and SMTP libraries, which no other command needs.
    from gateway.delivery.worker import run_worker
    from gateway.metrics.outbox import OutboxCollector

    # One pass and out: nothing would be there long enough to be scraped.
    listener_settings = replace(settings, metrics_port=0) if args.once else settings

    poll_interval: float = (
        settings.worker_poll_interval_seconds if args.poll_interval is None else args.poll_interval
    )
    if poll_interval <= 0:
        raise ValueError("--poll-interval must be positive")
    find_pdf_fonts(settings.pdf_font_dir)

    start_tracing(settings.tracing, "worker")

    async def work(runtime: Runtime) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        # SIGTERM (docker stop, systemd) and Ctrl-C let the current pass finish first.
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        collectors = [] if args.once else [OutboxCollector(runtime, loop)]
        try:
            with metrics_listener(listener_settings, collectors):
                counts = await run_worker(
                    runtime, once=args.once, poll_interval=poll_interval, stop=stop
                )
        finally:
            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.remove_signal_handler(signum)
        if args.once:
            print(json.dumps(asdict(counts)))

    _with_runtime(settings, work)
    return 0


def _endpoint_json(endpoint: WebhookEndpoint, *, with_secret: bool = False) -> dict[str, object]:
    shown: dict[str, object] = {
        "id": endpoint.id,
        "app_id": endpoint.app_id,
        "url": endpoint.url,
        "enabled": endpoint.enabled,
        "disabled_reason": endpoint.disabled_reason,
        "created_at": iso_datetime(endpoint.created_at),
    }
    if with_secret:
        shown["secret"] = endpoint.secret
    return shown


def _webhooks_add(args: argparse.Namespace, settings: Settings) -> int:
    endpoint = _with_runtime(
        settings,
        lambda runtime: webhook_endpoints.add_webhook_endpoint(runtime, args.app_id, args.url),
    )
    if args.json:
        print(json.dumps(_endpoint_json(endpoint, with_secret=True)))
    else:
        print(f"endpoint:      {endpoint.id}")
        print(f"url:           {endpoint.url}")
        print(f"secret:        {endpoint.secret}")
        print("Verify each delivery's webhook-signature with this secret (Standard Webhooks).")
    return 0


def _webhooks_list(args: argparse.Namespace, settings: Settings) -> int:
    endpoints = _with_runtime(
        settings, lambda runtime: webhook_endpoints.list_webhook_endpoints(runtime, args.app_id)
    )
    if args.json:
        print(json.dumps([_endpoint_json(endpoint) for endpoint in endpoints]))
        return 0
    for endpoint in endpoints:
        state = "enabled" if endpoint.enabled else f"disabled ({endpoint.disabled_reason})"
        print(f"{endpoint.id}  {state}  {endpoint.url}")
    return 0


def _webhooks_disable(args: argparse.Namespace, settings: Settings) -> int:
    endpoint = _with_runtime(
        settings,
        lambda runtime: webhook_endpoints.disable_webhook_endpoint(
            runtime, args.app_id, args.endpoint_id
        ),
    )
    print(f"disabled {endpoint.id} ({endpoint.disabled_reason})")
    return 0


def _webhooks_seal_secrets(_args: argparse.Namespace, settings: Settings) -> int:
    count = _with_runtime(settings, webhook_endpoints.seal_webhook_secrets)
    print(f"sealed {count} webhook signing secrets under the first WEBHOOK_SECRET_KEYS key")
    return 0


def _add_webhooks_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    webhooks = commands.add_parser("webhooks", help="manage an app's webhook endpoints")
    actions = webhooks.add_subparsers(dest="action", required=True)

    add = actions.add_parser("add", help="add an endpoint and print its signing secret")
    add.add_argument("app_id")
    add.add_argument("url", help="http(s) URL; private addresses need ALLOW_PRIVATE_WEBHOOK_URLS")
    add.add_argument("--json", action="store_true", help="print the endpoint as JSON")
    add.set_defaults(handler=_webhooks_add)

    listing = actions.add_parser("list", help="list the app's endpoints")
    listing.add_argument("app_id")
    listing.add_argument("--json", action="store_true", help="print the endpoints as JSON")
    listing.set_defaults(handler=_webhooks_list)

    disable = actions.add_parser("disable", help="stop deliveries to an endpoint")
    disable.add_argument("app_id")
    disable.add_argument("endpoint_id")
    disable.set_defaults(handler=_webhooks_disable)

    seal = actions.add_parser(
        "seal-secrets",
        help="encrypt every signing secret under the first WEBHOOK_SECRET_KEYS key "
        "(after adding a key, before dropping the old one)",
    )
    seal.set_defaults(handler=_webhooks_seal_secrets)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="invoice-gateway", description="GraphQL gateway and v0 REST shim for invoices."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the HTTP server (uvicorn)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument(
        "--migrate",
        action="store_true",
        help="migrate the database first (under a lock: replicas may start at once)",
    )
    serve.set_defaults(handler=_serve)

    migrate = commands.add_parser("migrate", help="apply database migrations")
    migrate.set_defaults(handler=_migrate)

    seed = commands.add_parser("seed-demo", help="create or refresh the demo app and data")
    seed.add_argument("--json", action="store_true", help="print the credentials as JSON")
    seed.set_defaults(handler=_seed_demo)

    create = commands.add_parser("create-app", help="create an app and print its credentials")
    create.add_argument("name")
    create.add_argument("--number-format", default="INV-{number:06d}")
    create.add_argument("--credit-note-number-format", default="CN-{number:06d}")
    create.add_argument("--json", action="store_true", help="print the credentials as JSON")
    create.set_defaults(handler=_create_app)

    worker = commands.add_parser(
        "worker", help="deliver the outbox (emails, webhooks) and run the scheduler"
    )
    worker.add_argument(
        "--once", action="store_true", help="one pass, then exit (prints what it did as JSON)"
    )
    worker.add_argument(
        "--poll-interval",
        type=float,
        default=None,
        metavar="S",
        help="seconds between polls (default: WORKER_POLL_INTERVAL_SECONDS or 1)",
    )
    worker.set_defaults(handler=_worker)

    _add_webhooks_parser(commands)
    add_resource_parsers(commands, _with_runtime)
    add_apps_parser(commands, _with_runtime)
    add_credentials_parser(commands, _with_runtime)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = Settings.from_env()
    configure_logging(settings.log_level, settings.log_format)
    handler: Callable[[argparse.Namespace, Settings], int] = args.handler
    try:
        return handler(args, settings)
    except ValueError as exc:
        print(f"invoice-gateway: {exc}", file=sys.stderr)
        return 2
    except GatewayError as exc:
        print(f"invoice-gateway: {exc.message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
