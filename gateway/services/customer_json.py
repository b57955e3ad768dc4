"""The v0 customer JSON: REST responses and the customer.* webhook payloads.

The union of the v0 renderings (../spec v0-resources §3): snake_case fields as the API
reference has them, `appId` and `app_id` both (create and fetch examples show both), and
the timestamps as `createdAt` / `updatedAt` (Developers pages)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from gateway.db.rows import CustomerRow
from gateway.services.invoice_json import iso_datetime


def render_customer(row: CustomerRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "first_name": row.first_name,
        "last_name": row.last_name,
        "email": row.email,
        "phone_number": row.phone_number,
        "customer_type": row.customer_type,
        "status": row.status,
        "last_spent": row.last_spent,
        "last_purchase_date": iso_datetime(row.last_purchase_date),
        "appId": row.app_id,
        "app_id": row.app_id,
        "createdAt": iso_datetime(row.created_at),
        "updatedAt": iso_datetime(row.updated_at),
    }


def render_deletion(customer_id: str, deleted_at: datetime) -> dict[str, Any]:
    """The Developers rendering of DELETE's answer."""
    return {
        "success": True,
        "message": "Customer successfully deleted",
        "deletedAt": iso_datetime(deleted_at),
        "customerId": customer_id,
    }
