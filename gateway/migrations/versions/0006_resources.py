"""resources: customers, products, taxes and wallets as the v0 API shows them; what an
issued invoice keeps of its products and tax; events about resources other than invoices

Existing rows get created_at / updated_at = the time of the upgrade; customers get
first_name / last_name from their name (split at the first space) and their email key
(lower-cased email) unless an earlier customer of the app already holds it.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 08:00:00.000000
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel
from alembic import op

from gateway.db.types import ExactDecimal, UtcDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_TEXT = sqlmodel.sql.sqltypes.AutoString
_STAMPED = ("customer", "product", "tax", "wallet")


def _timestamps(table: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.add_column(sa.Column("created_at", UtcDateTime(), nullable=True))
        batch_op.add_column(sa.Column("updated_at", UtcDateTime(), nullable=True))


def _fill_timestamps(table: str, now: datetime) -> None:
    stamp = sa.bindparam("now", now, type_=UtcDateTime())
    op.get_bind().execute(
        # `table` is one of _STAMPED, never input.
        sa.text(f"UPDATE {table} SET created_at = :now, updated_at = :now").bindparams(stamp)  # noqa: S608
    )
    with op.batch_alter_table(table, schema=None) as batch_op:
        for column in ("created_at", "updated_at"):
            batch_op.alter_column(column, existing_type=UtcDateTime(), nullable=False)


def _fill_customer_names() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, app_id, name, email FROM customer ORDER BY id"))
    taken: set[tuple[str, str]] = set()
    for customer_id, app_id, name, email in rows.fetchall():
        first, _, last = (name or "").partition(" ")
        key = email.lower() if email else None
        if key is not None and (app_id, key) in taken:
            key = None
        if key is not None:
            taken.add((app_id, key))
        bind.execute(
            sa.text(
                "UPDATE customer SET first_name = :first, last_name = :last, email_key = :key "
                "WHERE id = :id"
            ),
            {"first": first[:100], "last": last[:100], "key": key, "id": customer_id},
        )


def upgrade() -> None:
    now = datetime.now(UTC)
    for table in _STAMPED:
        _timestamps(table)
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.alter_column("email", existing_type=_TEXT(length=320), nullable=True)
        batch_op.add_column(
            sa.Column("first_name", _TEXT(length=100), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("last_name", _TEXT(length=100), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("customer_type", _TEXT(length=32), nullable=True))
        batch_op.add_column(sa.Column("email_key", _TEXT(length=320), nullable=True))
        batch_op.add_column(
            sa.Column("last_spent", ExactDecimal(20, 2), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("last_purchase_date", UtcDateTime(), nullable=True))
    _fill_customer_names()
    op.execute("UPDATE customer SET customer_type = 'Individual'")
    with op.batch_alter_table("customer", schema=None) as batch_op:
        for column, kind in (
            ("first_name", _TEXT(length=100)),
            ("last_name", _TEXT(length=100)),
            ("last_spent", ExactDecimal(20, 2)),
        ):
            batch_op.alter_column(column, existing_type=kind, server_default=None)
        batch_op.create_unique_constraint("uq_customer_app_email", ["app_id", "email_key"])
        batch_op.create_index("ix_customer_app_name", ["app_id", "name", "id"], unique=False)
        batch_op.create_index(
            "ix_customer_app_created", ["app_id", "created_at", "id"], unique=False
        )

    with op.batch_alter_table("product", schema=None) as batch_op:
        for column in (
            sa.Column("description", _TEXT(length=2000), nullable=False, server_default=""),
            sa.Column("product_type", _TEXT(length=16), nullable=False, server_default="PRODUCT"),
            sa.Column("status", _TEXT(length=16), nullable=False, server_default="ACTIVE"),
            sa.Column("type", _TEXT(length=64), nullable=True),
            sa.Column("weight", ExactDecimal(18, 4), nullable=True),
            sa.Column("quantity", ExactDecimal(18, 4), nullable=True),
            sa.Column("stock_count", sa.Integer(), nullable=True),
            sa.Column("unit", _TEXT(length=32), nullable=True),
            sa.Column("images", sa.JSON(), nullable=True),
            sa.Column("wallet_id", _TEXT(length=64), nullable=True),
        ):
            batch_op.add_column(column)
    with op.batch_alter_table("product", schema=None) as batch_op:
        for column, length in (("description", 2000), ("product_type", 16), ("status", 16)):
            batch_op.alter_column(column, existing_type=_TEXT(length=length), server_default=None)
        batch_op.create_foreign_key("fk_product_wallet_id", "wallet", ["wallet_id"], ["id"])
        batch_op.create_index(
            "ix_product_app_created", ["app_id", "created_at", "id"], unique=False
        )

    with op.batch_alter_table("tax", schema=None) as batch_op:
        batch_op.add_column(sa.Column("description", _TEXT(length=255), nullable=True))
        batch_op.add_column(
            sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    with op.batch_alter_table("tax", schema=None) as batch_op:
        batch_op.alter_column("active", existing_type=sa.Boolean(), server_default=None)

    for table in _STAMPED:
        _fill_timestamps(table, now)

    with op.batch_alter_table("invoice", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tax_snapshot", sa.JSON(), nullable=True))
    with op.batch_alter_table("invoice_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name", _TEXT(length=200), nullable=True))

    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.alter_column("invoice_id", existing_type=_TEXT(length=64), nullable=True)
        batch_op.add_column(sa.Column("resource_type", _TEXT(length=32), nullable=True))
        batch_op.add_column(sa.Column("resource_id", _TEXT(length=64), nullable=True))
    # The messages already queued are all about invoices.
    op.execute(
        "UPDATE outbox_message SET resource_type = 'invoice', resource_id = invoice_id "
        "WHERE invoice_id IS NOT NULL"
    )


def downgrade() -> None:
    # Events about other resources cannot be kept without resource columns; their
    # delivery log goes with them (it refers to them).
    op.execute(
        "DELETE FROM webhook_attempt WHERE message_id IN"
        " (SELECT id FROM outbox_message WHERE invoice_id IS NULL)"
    )
    op.execute("DELETE FROM outbox_message WHERE invoice_id IS NULL")
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_column("resource_id")
        batch_op.drop_column("resource_type")
        batch_op.alter_column("invoice_id", existing_type=_TEXT(length=64), nullable=False)
    with op.batch_alter_table("invoice_item", schema=None) as batch_op:
        batch_op.drop_column("name")
    with op.batch_alter_table("invoice", schema=None) as batch_op:
        batch_op.drop_column("tax_snapshot")
    with op.batch_alter_table("tax", schema=None) as batch_op:
        batch_op.drop_column("active")
        batch_op.drop_column("description")
    with op.batch_alter_table("product", schema=None) as batch_op:
        batch_op.drop_index("ix_product_app_created")
        batch_op.drop_constraint("fk_product_wallet_id", type_="foreignkey")
        for column in (
            "wallet_id",
            "images",
            "unit",
            "stock_count",
            "quantity",
            "weight",
            "type",
            "status",
            "product_type",
            "description",
        ):
            batch_op.drop_column(column)
    op.execute("UPDATE customer SET email = '' WHERE email IS NULL")
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.drop_index("ix_customer_app_created")
        batch_op.drop_index("ix_customer_app_name")
        batch_op.drop_constraint("uq_customer_app_email", type_="unique")
        for column in (
            "last_purchase_date",
            "last_spent",
            "email_key",
            "customer_type",
            "last_name",
            "first_name",
        ):
            batch_op.drop_column(column)
        batch_op.alter_column("email", existing_type=_TEXT(length=320), nullable=False)
    for table in _STAMPED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("updated_at")
            batch_op.drop_column("created_at")
