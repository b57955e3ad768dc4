"""The v0 wallet JSON: GET /api/v0/wallets and the wallet.* webhook payloads.

Every field of the Developers rendering (../spec v0-resources §6.1), filled as far as the
gateway knows it:

- `chain`: the Chain value, lower case, whatever case the row stores (the demo wallet
  stores "ETHEREUM", as invoices and products show it under `blockchain`);
- `bridge_id`: null, the gateway holds no account at a custody bridge;
- `balances`: [], the gateway reads no chain;
- `business`: null, an app belongs to no business here.
"""

from __future__ import annotations

from typing import Any

from gateway.db.rows import WalletRow
from gateway.services.invoice_json import iso_datetime


def render_wallet(wallet: WalletRow, app_name: str) -> dict[str, Any]:
    """`app_name`: the name of the app the wallet belongs to."""
    return {
        "id": wallet.id,
        "bridge_id": None,
        "address": wallet.address,
        "chain": wallet.blockchain.lower(),
        "balances": [],
        "created_at": iso_datetime(wallet.created_at),
        "updated_at": iso_datetime(wallet.updated_at),
        "business": None,
        "app": {"id": wallet.app_id, "name": app_name},
    }
