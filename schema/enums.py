"""The v0 enums, exposed to GraphQL under the same names and values, and the orderings
connections take.

strawberry.enum registers the domain classes themselves, so resolvers and inputs use
gateway.domain's enums directly; import them from here so the registration ran.
"""

from __future__ import annotations

from enum import Enum

import strawberry

from gateway.domain.resource_enums import (
    Chain,
    CustomerStatus,
    CustomerType,
    InvoiceCurrency,
    ProductCurrency,
    ProductStatus,
    ProductType,
)
from gateway.domain.status import DeliveryMethod, InvoiceStatus, PaymentMethod

for _enum in (
    DeliveryMethod,
    PaymentMethod,
    Chain,
    InvoiceCurrency,
    ProductCurrency,
    ProductType,
    ProductStatus,
):
    strawberry.enum(_enum)
strawberry.enum(
    InvoiceStatus,
    description=(
        "DRAFT or OPEN when created. VOID (voidInvoice: cancelled, nothing due) and "
        "UNCOLLECTIBLE (markInvoiceUncollectible: bad debt, still payable) only on invoices "
        "that took those mutations."
    ),
)
strawberry.enum(CustomerStatus, description="ACTIVE by default; DELETED: archived by a delete.")
strawberry.enum(
    CustomerType, description='The v0 customer types ("Small Business" is SMALL_BUSINESS).'
)


@strawberry.enum
class OrderDirection(Enum):
    ASC = "ASC"
    DESC = "DESC"


@strawberry.enum(description="What invoices are ordered by; ties are ordered by id.")
class InvoiceOrderField(Enum):
    DATE_CREATED = "DATE_CREATED"
    DUE_DATE = "DUE_DATE"
    TOTAL = "TOTAL"


@strawberry.enum(description="What customers are ordered by; ties are ordered by id.")
class CustomerOrderField(Enum):
    NAME = "NAME"
    CREATED_AT = "CREATED_AT"


__all__ = [
    "Chain",
    "CustomerOrderField",
    "CustomerStatus",
    "CustomerType",
    "DeliveryMethod",
    "InvoiceCurrency",
    "InvoiceOrderField",
    "InvoiceStatus",
    "OrderDirection",
    "PaymentMethod",
    "ProductCurrency",
    "ProductStatus",
    "ProductType",
]
