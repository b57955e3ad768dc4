"""Automatic persisted queries (APQ), the protocol of Apollo Client's persisted-query
link, urql's persistedExchange and Relay's persisted documents: a client sends the
SHA-256 of its document instead of the document, so a request is small and a query can
go over GET (`?extensions=...&variables=...`, cacheable by a CDN).

    extensions.persistedQuery = {"version": 1, "sha256Hash": "<64 hex digits>"}

    hash only, document known      the stored document runs (its time to live restarts)
    hash only, document unknown    200 PersistedQueryNotFound (the client sends both)
    hash and document              the document must hash to sha256Hash; it is stored
                                   (PERSISTED_QUERY_TTL_SECONDS) and runs
    anything else in the extension 400 (or 413 for a document over
                                   PERSISTED_QUERY_MAX_BYTES), never a 500

Documents live in the gateway's store (gateway.store), keyed by hash alone: the same
document serves every client app, as it would from a CDN. `resolve_persisted_query` is
the one entry point; the endpoint renders a PersistedQueryError with `error_response`.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass

from starlette.responses import Response

from gateway.encoding import dumps
from gateway.settings import Settings
from gateway.store.base import Store, StoreUnavailableError
from schema.media_types import GRAPHQL_RESPONSE_JSON

log = logging.getLogger("gateway.graphql")

SUPPORTED_VERSION = 1
_SHA256_HEX = re.compile(r"[0-9a-fA-F]{64}")
# A PersistedQueryNotFound answer must not be kept by a cache: the client is about to
# register the document and the same request will then succeed (Apollo Server's header).
_NOT_CACHED = {"cache-control": "private, no-cache, must-revalidate"}


class PersistedQueryError(Exception):
    """A request the APQ protocol refuses; rendered as a GraphQL error (`error_response`)."""

    status_code = 400
    code = "PERSISTED_QUERY_INVALID"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PersistedQueryNotFound(PersistedQueryError):
    # 200, whatever the media type: the client reads the error and retries with the
    # document; an error status could be masked by a proxy or a client's error handling.
    status_code = 200
    code = "PERSISTED_QUERY_NOT_FOUND"

    def __init__(self) -> None:
        super().__init__("PersistedQueryNotFound")  # the message clients match on


class PersistedQueryHashMismatch(PersistedQueryError):
    code = "PERSISTED_QUERY_HASH_MISMATCH"

    def __init__(self) -> None:
        super().__init__("provided sha does not match query")


class PersistedQueryUnsupportedVersion(PersistedQueryError):
    code = "PERSISTED_QUERY_UNSUPPORTED_VERSION"

    def __init__(self) -> None:
        super().__init__(
            f"Unsupported persisted query version (extensions.persistedQuery.version "
            f"must be {SUPPORTED_VERSION})"
        )


class PersistedQueryTooLarge(PersistedQueryError):
    status_code = 413
    code = "PAYLOAD_TOO_LARGE"


class PersistedQueryStoreUnavailable(PersistedQueryError):
    status_code = 503
    code = "SERVICE_UNAVAILABLE"

    def __init__(self) -> None:
        super().__init__("Service temporarily unavailable; retry later")


@dataclass(frozen=True)
class PersistedDocument:
    text: str
    sha256: str  # lowercase hex


def document_hash(document: str) -> str:
    """The hash a client sends for `document`: SHA-256 of its UTF-8, lowercase hex."""
    return hashlib.sha256(document.encode()).hexdigest()


async def resolve_persisted_query(
    store: Store, params: Mapping[str, object], settings: Settings
) -> PersistedDocument | None:
    """The document a request runs, from decoded request `params` (query, variables,
    operationName, extensions); None when its extensions carry no `persistedQuery`
    (the request's own `query` runs, as without APQ). Raises PersistedQueryError."""
    extensions = params.get("extensions")
    if not isinstance(extensions, Mapping) or "persistedQuery" not in extensions:
        return None
    sha256 = _requested_hash(extensions["persistedQuery"])
    query = params.get("query")
    ttl = settings.persisted_query_ttl_seconds
    if query is None:
        try:
            stored = await store.get_persisted_query(sha256, ttl)
        except StoreUnavailableError as exc:
            raise PersistedQueryStoreUnavailable() from exc
        if stored is None:
            raise PersistedQueryNotFound()
        return PersistedDocument(stored, sha256)
    if not isinstance(query, str):
        raise PersistedQueryError("query must be a string")
    encoded = query.encode()
    limit = settings.persisted_query_max_bytes
    if len(encoded) > limit:
        raise PersistedQueryTooLarge(f"A persisted query must not exceed {limit} bytes")
    if not hmac.compare_digest(hashlib.sha256(encoded).hexdigest(), sha256):
        raise PersistedQueryHashMismatch()
    try:
        await store.put_persisted_query(sha256, query, ttl)
    except StoreUnavailableError:
        # The document is in the request: it runs, and a later request registers it.
        log.warning("could not store persisted query %s", sha256)
    return PersistedDocument(query, sha256)


def _requested_hash(persisted_query: object) -> str:
    if not isinstance(persisted_query, Mapping):
        raise PersistedQueryError(
            "extensions.persistedQuery must be an object with version and sha256Hash"
        )
    version = persisted_query.get("version")
    if type(version) is not int or version != SUPPORTED_VERSION:
        raise PersistedQueryUnsupportedVersion()
    sha256 = persisted_query.get("sha256Hash")
    if not isinstance(sha256, str) or not _SHA256_HEX.fullmatch(sha256):
        raise PersistedQueryError(
            "extensions.persistedQuery.sha256Hash must be a SHA-256 in hexadecimal (64 digits)"
        )
    return sha256.lower()


def error_response(error: PersistedQueryError, media_type: str) -> Response:
    """`error` as a GraphQL request error in `media_type` (schema.media_types): with
    application/graphql-response+json its status and no `data`; with application/json
    a 200 (a well-formed request) with `"data": null`. PersistedQueryNotFound is a 200
    either way, and no answer of this kind may be cached."""
    body: dict[str, object] = {
        "errors": [{"message": error.message, "extensions": {"code": error.code}}]
    }
    if media_type == GRAPHQL_RESPONSE_JSON:
        status, content_type = error.status_code, f"{GRAPHQL_RESPONSE_JSON}; charset=utf-8"
    else:
        body = {"data": None, **body}
        status, content_type = 200, media_type
    headers = {**_NOT_CACHED, "content-type": content_type, "vary": "Accept"}
    return Response(dumps(body), status, headers=headers)
