"""The v0 enums, exposed to GraphQL under the same names and values.

strawberry.enum registers the domain classes themselves, so resolvers and inputs use
gateway.domain.status's enums directly; import them from here so the registration ran.
"""

from __future__ import annotations

import strawberry

from gateway.domain.resource_enums import Chain, InvoiceCurrency
from gateway.domain.status import DeliveryMethod, InvoiceStatus, PaymentMethod

for _enum in (InvoiceStatus, DeliveryMethod, PaymentMethod, Chain, InvoiceCurrency):
    strawberry.enum(_enum)

__all__ = ["Chain", "DeliveryMethod", "InvoiceCurrency", "InvoiceStatus", "PaymentMethod"]
