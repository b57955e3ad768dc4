"""invoice-gateway apps set-bank-details | set-logo: what an app shows its customers.

invoice-gateway apps set-bank-details APP_ID '{"account_name": "Acme GmbH",
    "iban": "DE89 3704 0044 0532 0130 00", "bic": "COBADEFFXXX", "bank_name": "Commerzbank"}'
invoice-gateway apps set-bank-details APP_ID null      # removes them
invoice-gateway apps set-logo APP_ID logo.png           # --remove removes it
"""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import orjson

from gateway.domain.bank_details import parse_bank_details
from gateway.domain.logo import logo_data_url
from gateway.runtime import Runtime
from gateway.services.app_presentation import set_bank_details, set_logo
from gateway.settings import Settings

T = TypeVar("T")
RunWithRuntime = Callable[[Settings, Callable[[Runtime], Awaitable[T]]], T]


def _bank_details(text: str) -> dict[str, str] | None:
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise ValueError(f"bank details are not JSON: {exc}") from None
    return None if value is None else parse_bank_details(value)


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror}") from None


def add_apps_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    with_runtime: RunWithRuntime[None],
) -> None:
    apps = commands.add_parser("apps", help="what an app shows its customers")
    actions = apps.add_subparsers(dest="action", required=True)

    def run_set_bank_details(args: argparse.Namespace, settings: Settings) -> int:
        details = _bank_details(args.details)
        with_runtime(settings, lambda runtime: set_bank_details(runtime, args.app_id, details))
        print(f"bank details of {args.app_id} {'set' if details else 'removed'}")
        return 0

    def run_set_logo(args: argparse.Namespace, settings: Settings) -> int:
        if args.remove == (args.image is not None):
            raise ValueError("give an image file or --remove")
        data_url = None if args.remove else logo_data_url(_read(args.image))
        with_runtime(settings, lambda runtime: set_logo(runtime, args.app_id, data_url))
        print(f"logo of {args.app_id} {'removed' if data_url is None else 'set'}")
        return 0

    bank = actions.add_parser(
        "set-bank-details",
        help="where BANK_TRANSFER payments go: a JSON object with account_name, iban, "
        "bic, bank_name, reference (default: the invoice number); null removes them",
    )
    bank.add_argument("app_id")
    bank.add_argument("details", help="JSON object, or null")
    bank.set_defaults(handler=run_set_bank_details)

    logo = actions.add_parser("set-logo", help="the logo on pages and PDFs (PNG or JPEG)")
    logo.add_argument("app_id")
    logo.add_argument("image", nargs="?", help="image file")
    logo.add_argument("--remove", action="store_true", help="remove the logo")
    logo.set_defaults(handler=run_set_logo)
