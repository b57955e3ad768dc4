"""The customer enums, exposed to GraphQL by member name (SMALL_BUSINESS stands for the
v0 value "Small Business"); import them from here so the registration ran."""

from __future__ import annotations

import strawberry

from gateway.domain.resource_enums import CustomerStatus, CustomerType

strawberry.enum(CustomerStatus, description="ACTIVE by default; DELETED: archived by a delete.")
strawberry.enum(
    CustomerType, description='The v0 customer types ("Small Business" is SMALL_BUSINESS).'
)

__all__ = ["CustomerStatus", "CustomerType"]
