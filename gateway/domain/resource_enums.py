"""The enumerations of the resources around the invoice, spelled as the v0 API spells
them (../spec v0-resources §2), and which currencies are one denomination."""

from __future__ import annotations

from enum import StrEnum


class CustomerStatus(StrEnum):
    ACTIVE = "ACTIVE"
    BLACKLISTED = "BLACKLISTED"
    DEACTIVATED = "DEACTIVATED"
    # What a delete leaves of a customer that invoices refer to.
    DELETED = "DELETED"


class CustomerType(StrEnum):
    INDIVIDUAL = "Individual"
    STARTUP = "Startup"
    SMALL_BUSINESS = "Small Business"
    MEDIUM_BUSINESS = "Medium Business"
    ENTERPRISE = "Enterprise"
    NON_PROFIT = "Non-Profit"
    GOVERNMENT = "Government"


class ProductType(StrEnum):
    PRODUCT = "PRODUCT"
    SERVICE = "SERVICE"


class ProductStatus(StrEnum):
    ACTIVE = "ACTIVE"
    # Also what a delete leaves of a product that invoice lines refer to.
    INACTIVE = "INACTIVE"


class ProductCurrency(StrEnum):
    USD = "USD"
    EUR = "EUR"
    GBP = "GBP"
    CAD = "CAD"
    AUD = "AUD"
    JPY = "JPY"


class InvoiceCurrency(StrEnum):
    USDC = "usdc"
    EURC = "eurc"


class Chain(StrEnum):
    ETHEREUM = "ethereum"
    SOLANA = "solana"
    POLYGON = "polygon"
    AVALANCHE_C_CHAIN = "avalanche_c_chain"
    TRON = "tron"
    BASE = "base"


# A stablecoin counts as the currency it tracks: a USD price is invoiced in usdc, a EUR
# price in eurc; any other pair is a different denomination.
_DENOMINATION = {"USD": "USD", "USDC": "USD", "EUR": "EUR", "EURC": "EUR"}


def denomination(currency: str) -> str:
    """USD for USD and USDC, EUR for EUR and EURC (any case); else the code itself."""
    code = currency.upper()
    return _DENOMINATION.get(code, code)
