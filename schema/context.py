"""The per-request context every resolver reads: `info.context.loaders.customers`.

`reads` opens the request's read-only sessions (one connection for all of them); writes
go through the services, which open their own sessions from `runtime.sessions`."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request

from gateway.db.request_reads import RequestReads
from gateway.runtime import Runtime
from gateway.services.access import Caller
from schema.loaders import Loaders


@dataclass(frozen=True)
class Context:
    runtime: Runtime
    caller: Caller
    loaders: Loaders
    reads: RequestReads
    request: Request
    # Names this request in the server log; masked errors quote it to the client.
    request_id: str
