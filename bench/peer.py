"""The peer: PostGraphile 4 serving the nested invoice page from the bench's database.

PostGraphile (node, installed by bench/run from bench/postgraphile/package-lock.json)
reflects the gateway's tables as they are after the migrations. What the gateway
computes rather than reads from a column gets a PostGraphile computed column, an SQL
function created in the bench database by the bench (never by a migration), doing the
same work:

* `amountDue`: total less paid, credited and credit applied, never below zero, zero on a
  void invoice (gateway.domain.money.amount_due);
* `paymentLinkUrl`: the public base URL + /pay/ + the token (gateway.links);
* `pricedTax`: the live tax row with the terms the invoice was priced with laid over it
  (gateway.db.tax_snapshots.tax_as_priced);
* `shownQuantity`: the quantity without trailing zeros (gateway.domain.money.plain_number).

Before anything is measured, `check_equal` compares the two servers' answers for the same
page; the differences it forgives are exactly those `normalise_peer` and `_normalised`
write out (docs/BENCHMARKS.md lists them).
"""

from __future__ import annotations

import asyncio
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import orjson
from sqlalchemy.engine import make_url

from bench.workload import JSON, RequestTemplate

HERE = Path(__file__).resolve().parent / "postgraphile"
CLI = HERE / "node_modules" / "postgraphile" / "cli.js"
LABEL = "PostGraphile 4 allInvoices"

FUNCTIONS = """
CREATE OR REPLACE FUNCTION public.invoice_amount_due(i public.invoice) RETURNS numeric
LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN i.status = 'VOID' THEN 0.00
    ELSE greatest(i.total - i.amount_paid - i.amount_credited - i.credit_applied, 0.00) END
$$;
CREATE OR REPLACE FUNCTION public.invoice_payment_link_url(i public.invoice) RETURNS text
LANGUAGE sql STABLE AS $$ SELECT {base_url} || '/pay/' || i.payment_link_token $$;
CREATE OR REPLACE FUNCTION public.invoice_priced_tax(i public.invoice) RETURNS public.tax
LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN i.tax_snapshot IS NULL THEN t
    ELSE jsonb_populate_record(t, jsonb_build_object(
      'name', i.tax_snapshot -> 'name', 'rate', i.tax_snapshot -> 'rate',
      'type', i.tax_snapshot -> 'type', 'inclusive', i.tax_snapshot -> 'inclusive',
      'components', i.tax_snapshot -> 'components')) END
  FROM public.tax t WHERE t.id = i.tax_id AND t.app_id = i.app_id
$$;
CREATE OR REPLACE FUNCTION public.invoice_item_shown_quantity(it public.invoice_item)
RETURNS numeric LANGUAGE sql STABLE AS $$ SELECT trim_scale(it.quantity) $$;
"""

# INVOICES_QUERY (bench/workload.py) in PostGraphile's names, for one app, in the
# gateway's order (newest first, then id).
QUERY = """query Page($first: Int!, $appId: String!) {
  allInvoices(first: $first, orderBy: [DATE_CREATED_DESC, ID_DESC], condition: {appId: $appId}) {
    pageInfo { hasNextPage endCursor }
    edges {
      node {
        id invoiceNumber name email status dueDate dateCreated currency
        subtotal taxAmount total amountDue paymentLinkUrl
        customerByCustomerId { id name email status }
        walletByWalletId { id address blockchain type }
        pricedTax { id name rate type inclusive }
        invoiceItemsByInvoiceId(orderBy: POSITION_ASC) {
          nodes { position productId shownQuantity unitPrice lineTotal
                  productByProductId { id name price currency } }
        }
      }
    }
  }
}"""

# PostGraphile's name -> the gateway's, for every key that differs.
KEYS = {
    "allInvoices": "invoices",
    "customerByCustomerId": "customer",
    "walletByWalletId": "wallet",
    "pricedTax": "tax",
    "invoiceItemsByInvoiceId": "items",
    "shownQuantity": "quantity",
    "productByProductId": "product",
}


def installed() -> bool:
    return CLI.is_file() and shutil.which("node") is not None


def command(port: int, database_url: str) -> list[str]:
    """PostGraphile's own server, one node process, its default pool (10 connections)."""
    node = shutil.which("node")
    if node is None or not CLI.is_file():
        raise RuntimeError(f"PostGraphile is not installed: bench/run runs `npm ci` in {HERE}")
    return [
        *(node, str(CLI), "--connection", plain_url(database_url), "--schema", "public"),
        *("--host", "127.0.0.1", "--port", str(port)),
        *("--disable-query-log", "--disable-default-mutations", "--disable-graphiql"),
    ]


def plain_url(database_url: str) -> str:
    """A libpq URL (postgres://...) for node-postgres."""
    url = make_url(database_url).set(drivername="postgres")
    return url.render_as_string(hide_password=False)


async def _install(database_url: str, base_url: str) -> None:
    url = make_url(database_url).set(drivername="postgresql")
    conn = await asyncpg.connect(url.render_as_string(hide_password=False))
    try:
        literal = await conn.fetchval("SELECT quote_literal($1::text)", base_url)
        await conn.execute(FUNCTIONS.replace("{base_url}", literal))
    finally:
        await conn.close()


def install_functions(database_url: str, base_url: str) -> None:
    """The computed columns, in the bench database only."""
    asyncio.run(_install(database_url, base_url))


def template(first: int, app_id: str) -> RequestTemplate:
    body = {"query": QUERY, "variables": {"first": first, "appId": app_id}}
    return RequestTemplate("POST", "/graphql", dict(JSON), orjson.dumps(body))


def normalise_peer(value: Any) -> Any:
    """PostGraphile's answer with the gateway's key names; a relation's connection
    (`{"nodes": [...]}`) becomes the list, as the gateway writes it."""
    if isinstance(value, list):
        return [normalise_peer(item) for item in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, item in value.items():
        name = KEYS.get(key, key)
        if name == "items" and isinstance(item, dict):
            item = item["nodes"]
        out[name] = normalise_peer(item)
    return out


def _normalised(answer: Any) -> Any:
    """Representations that legitimately differ: only `data` (the gateway adds its cost
    in `extensions`); a cursor is opaque (each server encodes its own), so only whether
    there is one; `dateCreated` as the instant (Python's isoformat leaves out a zero
    fraction of a second, PostgreSQL's format does not)."""
    data = answer["data"]
    page = data["invoices"]
    page["pageInfo"]["endCursor"] = page["pageInfo"]["endCursor"] is not None
    for edge in page["edges"]:
        node = edge["node"]
        node["dateCreated"] = datetime.fromisoformat(node["dateCreated"]).astimezone(UTC)
    return data


def _first_difference(ours: Any, theirs: Any, path: str = "") -> str:
    if isinstance(ours, dict) and isinstance(theirs, dict):
        if ours.keys() != theirs.keys():
            return f"{path or '/'}: keys {sorted(ours)} != {sorted(theirs)}"
        for key in ours:
            if ours[key] != theirs[key]:
                return _first_difference(ours[key], theirs[key], f"{path}/{key}")
    if isinstance(ours, list) and isinstance(theirs, list):
        if len(ours) != len(theirs):
            return f"{path}: {len(ours)} entries != {len(theirs)}"
        for number, (a, b) in enumerate(zip(ours, theirs, strict=True)):
            if a != b:
                return _first_difference(a, b, f"{path}/{number}")
    return f"{path}: {ours!r} != {theirs!r}"


def check_equal(gateway: Any, peer: Any, what: str) -> None:
    """Raises unless the two answers are the same page once normalised."""
    for name, answer in (("gateway", gateway), ("PostGraphile", peer)):
        if not isinstance(answer, dict) or answer.get("errors") or "data" not in answer:
            raise RuntimeError(f"{what}: the {name} answered {str(answer)[:2000]}")
    ours = _normalised(gateway)
    theirs = _normalised(normalise_peer(peer))
    if ours != theirs:
        raise RuntimeError(
            f"{what}: PostGraphile's page is not the gateway's: {_first_difference(ours, theirs)}"
        )
    if not ours["invoices"]["edges"]:
        raise RuntimeError(f"{what}: both pages are empty, nothing was compared")
