"""credit notes: their lines, their per-app numbering, what they credited against each
invoice, and the credit balance customers hold

Existing apps number credit notes "CN-{number:06d}" from 1; existing invoices have
credited nothing and consumed no credit balance.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 13:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

from gateway.db.types import ExactDecimal, UtcDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_TEXT = sqlmodel.sql.sqltypes.AutoString
_MONEY = ExactDecimal(precision=20, scale=2)
_QUANTITY = ExactDecimal(precision=18, scale=4)


def _add_filled(table: str, columns: dict[str, tuple[sa.types.TypeEngine[object], object]]) -> None:
    """Columns every existing row gets `value` in, then NOT NULL (no server default)."""
    with op.batch_alter_table(table, schema=None) as batch_op:
        for name, (type_, _value) in columns.items():
            batch_op.add_column(sa.Column(name, type_, nullable=True))
    for name, (_type, value) in columns.items():
        op.get_bind().execute(
            # `table` and `name` are the literals below, never input.
            sa.text(f"UPDATE {table} SET {name} = :value").bindparams(value=value)  # noqa: S608
        )
    with op.batch_alter_table(table, schema=None) as batch_op:
        for name, (type_, _value) in columns.items():
            batch_op.alter_column(name, existing_type=type_, nullable=False)


def upgrade() -> None:
    _add_filled(
        "app",
        {
            "credit_note_number_format": (_TEXT(length=64), "CN-{number:06d}"),
            "credit_note_counter": (sa.Integer(), 0),
        },
    )
    _add_filled("invoice", {"amount_credited": (_MONEY, 0), "credit_applied": (_MONEY, 0)})
    op.create_table(
        "credit_note",
        sa.Column("id", _TEXT(length=64), nullable=False),
        sa.Column("app_id", _TEXT(length=64), nullable=False),
        sa.Column("invoice_id", _TEXT(length=64), nullable=False),
        sa.Column("customer_id", _TEXT(length=64), nullable=False),
        sa.Column("credit_note_number", _TEXT(length=64), nullable=False),
        sa.Column("reason", _TEXT(length=32), nullable=True),
        sa.Column("memo", _TEXT(length=500), nullable=True),
        sa.Column("currency", _TEXT(length=12), nullable=False),
        sa.Column("subtotal", _MONEY, nullable=False),
        sa.Column("tax_amount", _MONEY, nullable=False),
        sa.Column("total", _MONEY, nullable=False),
        sa.Column("amount_applied", _MONEY, nullable=False),
        sa.Column("refund_amount", _MONEY, nullable=False),
        sa.Column("balance_amount", _MONEY, nullable=False),
        sa.Column("refund_method", _TEXT(length=32), nullable=True),
        sa.Column("refund_reference", _TEXT(length=200), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["app_id"], ["app.id"]),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"]),
        sa.ForeignKeyConstraint(["invoice_id"], ["invoice.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("app_id", "credit_note_number", name="uq_credit_note_app_number"),
    )
    op.create_index("ix_credit_note_invoice_id", "credit_note", ["invoice_id"])
    op.create_index("ix_credit_note_app_created", "credit_note", ["app_id", "created_at", "id"])
    op.create_table(
        "credit_note_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("app_id", _TEXT(length=64), nullable=False),
        sa.Column("credit_note_id", _TEXT(length=64), nullable=False),
        sa.Column("invoice_id", _TEXT(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("invoice_position", sa.Integer(), nullable=False),
        sa.Column("name", _TEXT(length=200), nullable=False),
        sa.Column("quantity", _QUANTITY, nullable=False),
        sa.Column("unit_price", _MONEY, nullable=False),
        sa.Column("amount", _MONEY, nullable=False),
        sa.ForeignKeyConstraint(["app_id"], ["app.id"]),
        sa.ForeignKeyConstraint(["credit_note_id"], ["credit_note.id"]),
        sa.ForeignKeyConstraint(["invoice_id"], ["invoice.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_credit_note_line_credit_note_id", "credit_note_line", ["credit_note_id"])
    op.create_index("ix_credit_note_line_invoice_id", "credit_note_line", ["invoice_id"])
    op.create_table(
        "customer_credit_balance",
        sa.Column("customer_id", _TEXT(length=64), nullable=False),
        sa.Column("currency", _TEXT(length=12), nullable=False),
        sa.Column("app_id", _TEXT(length=64), nullable=False),
        sa.Column("amount", _MONEY, nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["app_id"], ["app.id"]),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"]),
        sa.PrimaryKeyConstraint("customer_id", "currency"),
    )
    op.create_index("ix_customer_credit_balance_app_id", "customer_credit_balance", ["app_id"])


def downgrade() -> None:
    op.drop_index("ix_customer_credit_balance_app_id", table_name="customer_credit_balance")
    op.drop_table("customer_credit_balance")
    op.drop_index("ix_credit_note_line_invoice_id", table_name="credit_note_line")
    op.drop_index("ix_credit_note_line_credit_note_id", table_name="credit_note_line")
    op.drop_table("credit_note_line")
    op.drop_index("ix_credit_note_app_created", table_name="credit_note")
    op.drop_index("ix_credit_note_invoice_id", table_name="credit_note")
    op.drop_table("credit_note")
    with op.batch_alter_table("invoice", schema=None) as batch_op:
        batch_op.drop_column("credit_applied")
        batch_op.drop_column("amount_credited")
    with op.batch_alter_table("app", schema=None) as batch_op:
        batch_op.drop_column("credit_note_counter")
        batch_op.drop_column("credit_note_number_format")
