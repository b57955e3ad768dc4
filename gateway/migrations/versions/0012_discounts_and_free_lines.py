"""discounts and free-form lines: an invoice's and each line's discount (as asked and
what it took off), and lines without a product

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 14:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op
from alembic.operations import BatchOperations

from gateway.db.types import ExactDecimal

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_TEXT = sqlmodel.sql.sqltypes.AutoString
_MONEY = ExactDecimal(20, 2)
_VALUE = ExactDecimal(18, 4)


def _discount_columns(batch_op: BatchOperations) -> None:
    batch_op.add_column(sa.Column("discount_type", _TEXT(length=16), nullable=True))
    batch_op.add_column(sa.Column("discount_value", _VALUE, nullable=True))


def upgrade() -> None:
    # Existing invoices and lines took no discount; the defaults only fill them.
    with op.batch_alter_table("invoice", schema=None) as batch_op:
        _discount_columns(batch_op)
        batch_op.add_column(
            sa.Column("discount_amount", _MONEY, nullable=False, server_default="0")
        )
    with op.batch_alter_table("invoice", schema=None) as batch_op:
        batch_op.alter_column("discount_amount", existing_type=_MONEY, server_default=None)
    with op.batch_alter_table("invoice_item", schema=None) as batch_op:
        _discount_columns(batch_op)
        for column in ("discount_amount", "invoice_discount_amount"):
            batch_op.add_column(sa.Column(column, _MONEY, nullable=False, server_default="0"))
        batch_op.alter_column("product_id", existing_type=_TEXT(length=64), nullable=True)
    with op.batch_alter_table("invoice_item", schema=None) as batch_op:
        for column in ("discount_amount", "invoice_discount_amount"):
            batch_op.alter_column(column, existing_type=_MONEY, server_default=None)


def downgrade() -> None:
    # Free-form lines have no product to keep: they go with the downgrade.
    op.execute(sa.text("DELETE FROM invoice_item WHERE product_id IS NULL"))
    with op.batch_alter_table("invoice_item", schema=None) as batch_op:
        batch_op.alter_column("product_id", existing_type=_TEXT(length=64), nullable=False)
        for column in ("invoice_discount_amount", "discount_amount", "discount_value"):
            batch_op.drop_column(column)
        batch_op.drop_column("discount_type")
    with op.batch_alter_table("invoice", schema=None) as batch_op:
        for column in ("discount_amount", "discount_value", "discount_type"):
            batch_op.drop_column(column)
