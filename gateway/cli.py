"""invoice-gateway serve | migrate | seed-demo | create-app."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from gateway.db.migrate import upgrade
from gateway.runtime import Runtime
from gateway.services.demo import seed_demo
from gateway.services.tenants import create_app_with_credential
from gateway.settings import Settings

T = TypeVar("T")


def _with_runtime(settings: Settings, work: Callable[[Runtime], Awaitable[T]]) -> T:
    async def run() -> T:
        runtime = Runtime.open(settings)
        try:
            return await work(runtime)
        finally:
            await runtime.close()

    return asyncio.run(run())


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    if args.migrate:
        upgrade(settings.database_url)
    uvicorn.run(
        "gateway.asgi:app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        loop="uvloop",
        http="httptools",
        log_level=settings.log_level,
        proxy_headers=True,
    )
    return 0


def _migrate(_args: argparse.Namespace, settings: Settings) -> int:
    upgrade(settings.database_url)
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
        settings, lambda runtime: create_app_with_credential(runtime, args.name, args.number_format)
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="invoice-gateway", description="GraphQL gateway and v0 REST shim for invoices."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the HTTP server (uvicorn)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--migrate", action="store_true", help="migrate the database first")
    serve.set_defaults(handler=_serve)

    migrate = commands.add_parser("migrate", help="apply database migrations")
    migrate.set_defaults(handler=_migrate)

    seed = commands.add_parser("seed-demo", help="create or refresh the demo app and data")
    seed.add_argument("--json", action="store_true", help="print the credentials as JSON")
    seed.set_defaults(handler=_seed_demo)

    create = commands.add_parser("create-app", help="create an app and print its credentials")
    create.add_argument("name")
    create.add_argument("--number-format", default="INV-{number:06d}")
    create.add_argument("--json", action="store_true", help="print the credentials as JSON")
    create.set_defaults(handler=_create_app)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = Settings.from_env()
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(levelname)s %(name)s %(message)s"
    )
    handler: Callable[[argparse.Namespace, Settings], int] = args.handler
    try:
        return handler(args, settings)
    except ValueError as exc:
        print(f"invoice-gateway: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
