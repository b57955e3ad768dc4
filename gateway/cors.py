"""CORS for browser frontends: Starlette's CORSMiddleware configured from the CorsPolicy.

It is the outermost middleware, so a preflight (OPTIONS with Origin and
Access-Control-Request-Method) is answered before the API guard: it needs no
credentials and spends no rate-limit slot. The guard's answers (401, 429) and the
outage 503s pass back through it and carry the allow-origin header, so a frontend
can read them.
"""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.middleware.cors import SAFELISTED_HEADERS, CORSMiddleware

from gateway.rest.conventions import REPLAY_HEADER
from gateway.rest.etags import ETAG
from gateway.settings import CorsPolicy

# Response headers a script may read (besides the CORS-safelisted ones).
EXPOSED_HEADERS = (
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
    "RateLimit",
    "RateLimit-Policy",
    "Retry-After",
    ETAG,
    REPLAY_HEADER,
    "X-Request-Id",
    "Content-Disposition",
)
# Always allowed by the middleware; listed once, in its spelling.
_SAFELISTED = {name.lower() for name in SAFELISTED_HEADERS}


def cors_middleware(policy: CorsPolicy) -> list[Middleware]:
    """The CORS middleware, or none when no origin is allowed (no CORS headers at all)."""
    if not policy.enabled:
        return []
    return [
        Middleware(
            CORSMiddleware,
            allow_origins=policy.allow_origins,
            allow_methods=policy.allow_methods,
            allow_headers=[h for h in policy.allow_headers if h not in _SAFELISTED],
            allow_credentials=False,
            expose_headers=EXPOSED_HEADERS,
            max_age=policy.max_age_seconds,
        )
    ]
