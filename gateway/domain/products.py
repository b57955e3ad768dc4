"""The create- and update-product commands: a catalogue entry's name, text, price and
what else v0 keeps of it. gateway.domain.product_rules says what is wrong with their
values; surfaces build them from their wire format (gateway.rest.v0_product_body,
schema.products)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal

from gateway.domain.resource_enums import ProductCurrency, ProductStatus, ProductType
from gateway.domain.update_invoice import UNCHANGED, Unchanged

MAX_IMAGES = 10
# A price times the largest line quantity (gateway.domain.create_invoice.MAX_QUANTITY)
# still fits an invoice's amounts.
MAX_PRICE = Decimal(10) ** 12
MAX_WEIGHT = Decimal(10) ** 9
WEIGHT_PLACES = 4
# stockCount is a 32-bit integer column; quantity keeps to the same range.
MAX_COUNT = Decimal(2**31 - 1)


@dataclass(frozen=True)
class CreateProductCommand:
    name: str
    description: str
    price: Decimal
    currency: ProductCurrency = ProductCurrency.USD
    type: str | None = None
    product_type: ProductType = ProductType.PRODUCT
    status: ProductStatus = ProductStatus.ACTIVE
    weight: Decimal | None = None
    quantity: Decimal | None = None
    stock_count: int | None = None
    unit: str | None = None
    images: tuple[str, ...] = ()
    wallet_id: str | None = None


@dataclass(frozen=True)
class UpdateProductCommand:
    """The fields given; UNCHANGED keeps the stored value, None clears an optional one."""

    name: str | Unchanged = UNCHANGED
    description: str | Unchanged = UNCHANGED
    price: Decimal | Unchanged = UNCHANGED
    currency: ProductCurrency | Unchanged = UNCHANGED
    type: str | Unchanged | None = UNCHANGED
    product_type: ProductType | Unchanged = UNCHANGED
    status: ProductStatus | Unchanged = UNCHANGED
    weight: Decimal | Unchanged | None = UNCHANGED
    quantity: Decimal | Unchanged | None = UNCHANGED
    stock_count: int | Unchanged | None = UNCHANGED
    unit: str | Unchanged | None = UNCHANGED
    # Replaces every image; None or () leaves none.
    images: tuple[str, ...] | Unchanged | None = UNCHANGED
    wallet_id: str | Unchanged | None = UNCHANGED

    def changes(self) -> dict[str, object]:
        """The fields given, by name."""
        return {
            field.name: value
            for field in dataclasses.fields(self)
            if (value := getattr(self, field.name)) is not UNCHANGED
        }
