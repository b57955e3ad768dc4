"""The payment URI a wallet app opens from the payment page's QR code.

- EVM chains (ethereum, polygon, avalanche_c_chain, base), with the invoice's token
  contract known on that chain (Circle's USDC and EURC, 6 decimals): an EIP-681 token
  transfer, `ethereum:<token>@<chain id>/transfer?address=<wallet>&uint256=<base units>`
  (the amount due in the token's smallest unit, so the wallet fills in nothing).
- EVM chains without a known contract for the currency: the wallet's address only,
  `ethereum:<wallet>` on Ethereum, `ethereum:<wallet>@<chain id>` elsewhere; the customer
  picks the token and types the amount shown beside the code.
- solana: Solana Pay, `solana:<wallet>?amount=<amount due>&spl-token=<mint>` (the mint
  left out for an unknown currency).
- tron: `tron:<wallet>`, the address only (no URI standard carries a TRC-20 amount).
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from gateway.domain.resource_enums import Chain, InvoiceCurrency

_EVM_CHAIN_IDS: dict[str, int] = {
    Chain.ETHEREUM: 1,
    Chain.POLYGON: 137,
    Chain.AVALANCHE_C_CHAIN: 43114,
    Chain.BASE: 8453,
}
_TOKEN_DECIMALS = 6
# Circle's contracts (developers.circle.com, "USDC/EURC contract addresses").
_EVM_TOKENS: dict[tuple[str, str], str] = {
    (Chain.ETHEREUM, InvoiceCurrency.USDC): "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48",
    (Chain.POLYGON, InvoiceCurrency.USDC): "0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359",
    (Chain.AVALANCHE_C_CHAIN, InvoiceCurrency.USDC): "0xB97EF9Ef8734C71904D8002F8b6Bc66Dd9c48a6E",
    (Chain.BASE, InvoiceCurrency.USDC): "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
    (Chain.ETHEREUM, InvoiceCurrency.EURC): "0x1aBaEA1f7C830bD89Acc67eC4af516284b1bC33c",
    (Chain.AVALANCHE_C_CHAIN, InvoiceCurrency.EURC): "0xC891EB4cbdEFf6e073e859e987815Ed1505c2ACD",
    (Chain.BASE, InvoiceCurrency.EURC): "0x60a3E35Cc302bFA44Cb288Bc5a4F316Fdb1adb42",
}
_SOLANA_MINTS: dict[str, str] = {
    InvoiceCurrency.USDC: "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v",
    InvoiceCurrency.EURC: "HzwqbKZw8HxMN6bF2yFZNrht3c2iXXzpKcFu7uBEDKtr",
}


def _base_units(amount: Decimal) -> int:
    return int(amount.scaleb(_TOKEN_DECIMALS).to_integral_value())


def _plain_decimal(amount: Decimal) -> str:
    """12.50 -> "12.5", 100.00 -> "100": no exponent, no trailing zeros (Solana Pay)."""
    return format(amount.normalize(), "f")


def payment_uri(chain: str, address: str, currency: str, amount_due: Decimal) -> str:
    """The URI for paying `amount_due` of `currency` to `address` on `chain`."""
    currency = currency.lower()
    if chain in _EVM_CHAIN_IDS:
        chain_id = _EVM_CHAIN_IDS[chain]
        token = _EVM_TOKENS.get((chain, currency))
        if token is None:
            return f"ethereum:{address}" if chain_id == 1 else f"ethereum:{address}@{chain_id}"
        query = urlencode({"address": address, "uint256": _base_units(amount_due)})
        return f"ethereum:{token}@{chain_id}/transfer?{query}"
    if chain == Chain.SOLANA:
        params = {"amount": _plain_decimal(amount_due)}
        mint = _SOLANA_MINTS.get(currency)
        if mint is not None:
            params["spl-token"] = mint
        return f"solana:{address}?{urlencode(params)}"
    return f"tron:{address}" if chain == Chain.TRON else address
