"""The orderBy inputs of the connections, and the keyset orderings they name."""

from __future__ import annotations

import strawberry

from gateway.db.invoice_pages import INVOICE_ORDERINGS
from gateway.db.keyset import Ordering
from gateway.db.resource_pages import CUSTOMER_ORDERINGS
from schema.enums import CustomerOrderField, InvoiceOrderField, OrderDirection


@strawberry.input
class InvoiceOrder:
    field: InvoiceOrderField
    direction: OrderDirection

    def ordering(self) -> Ordering:
        return INVOICE_ORDERINGS[self.field.value, self.direction is OrderDirection.DESC]


@strawberry.input
class CustomerOrder:
    field: CustomerOrderField
    direction: OrderDirection

    def ordering(self) -> Ordering:
        return CUSTOMER_ORDERINGS[self.field.value, self.direction is OrderDirection.DESC]
