"""invoice-gateway credentials issue | revoke | rotate: an app's API credentials.

invoice-gateway credentials issue APP_ID          # another credential; prints its secret
invoice-gateway credentials revoke CLIENT_KEY     # refused from the next request on
invoice-gateway credentials rotate CLIENT_KEY     # a new one for the app, the old revoked

Every gateway process sharing the Redis refuses a revoked credential at once
(gateway.services.credential_admin); the command says so when Redis could not be told.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Awaitable, Callable
from typing import TypeVar

from gateway.runtime import Runtime
from gateway.services.credential_admin import (
    Outcome,
    issue_app_credential,
    revoke_credential,
    rotate_credential,
)
from gateway.settings import Settings

T = TypeVar("T")
RunWithRuntime = Callable[[Settings, Callable[[Runtime], Awaitable[T]]], T]


def _print(outcome: Outcome, as_json: bool, settings: Settings) -> None:
    issued = outcome.issued
    if as_json:
        shown: dict[str, object] = {"app_id": outcome.app_id, "revoked": outcome.revoked}
        if issued is not None:
            shown |= {"client_key": issued.client_key, "client_secret": issued.client_secret}
        print(json.dumps(shown))
    else:
        print(f"app:           {outcome.app_id}")
        if outcome.revoked is not None:
            print(f"revoked:       {outcome.revoked}")
        if issued is not None:
            print(f"client key:    {issued.client_key}")
            print(f"client secret: {issued.client_secret}")
    if not outcome.propagated:
        print(
            "invoice-gateway: warning: Redis could not be told; other gateway processes "
            f"see this within {settings.credential_cache_seconds:g} seconds",
            file=sys.stderr,
        )


def add_credentials_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    with_runtime: RunWithRuntime[Outcome],
) -> None:
    credentials = commands.add_parser("credentials", help="issue, revoke or rotate API credentials")
    actions = credentials.add_subparsers(dest="action", required=True)

    def handler(
        work: Callable[[Runtime, str], Awaitable[Outcome]],
    ) -> Callable[[argparse.Namespace, Settings], int]:
        def run(args: argparse.Namespace, settings: Settings) -> int:
            outcome = with_runtime(settings, lambda runtime: work(runtime, args.target))
            _print(outcome, args.json, settings)
            return 0

        return run

    for name, target, work, text in (
        ("issue", "app_id", issue_app_credential, "another credential for an app"),
        ("revoke", "client_key", revoke_credential, "refuse a credential from now on"),
        ("rotate", "client_key", rotate_credential, "a new credential, the old one revoked"),
    ):
        action = actions.add_parser(name, help=text)
        action.add_argument("target", metavar=target.upper())
        action.add_argument("--json", action="store_true", help="print the result as JSON")
        action.set_defaults(handler=handler(work))
