"""recurring invoices: schedules and the periods they have invoiced

Revision ID: 0013
Revises: 0010
Create Date: 2026-12-03 14:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

from gateway.db.types import UtcDateTime

revision = "0013"
down_revision = "0010"
branch_labels = None
depends_on = None

_TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "recurring_invoice",
        sa.Column("id", _TEXT(length=64), nullable=False),
        sa.Column("app_id", _TEXT(length=64), nullable=False),
        sa.Column("status", _TEXT(length=16), nullable=False),
        sa.Column("interval", _TEXT(length=16), nullable=False),
        sa.Column("anchor_day", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("period_count", sa.Integer(), nullable=True),
        sa.Column("days_until_due", sa.Integer(), nullable=False),
        sa.Column("template", sa.JSON(), nullable=False),
        sa.Column("next_period", sa.Integer(), nullable=False),
        sa.Column("next_run_at", UtcDateTime(), nullable=True),
        sa.Column("invoices_generated", sa.Integer(), nullable=False),
        sa.Column("last_invoice_id", _TEXT(length=64), nullable=True),
        sa.Column("paused_reason", _TEXT(length=500), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["app_id"], ["app.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("recurring_invoice", schema=None) as batch_op:
        batch_op.create_index(
            "ix_recurring_invoice_app_created", ["app_id", "created_at", "id"], unique=False
        )
        batch_op.create_index("ix_recurring_invoice_due", ["status", "next_run_at"], unique=False)
    op.create_table(
        "recurring_invoice_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("app_id", _TEXT(length=64), nullable=False),
        sa.Column("recurring_invoice_id", _TEXT(length=64), nullable=False),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("run_date", sa.Date(), nullable=False),
        sa.Column("invoice_id", _TEXT(length=64), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["app_id"], ["app.id"]),
        sa.ForeignKeyConstraint(["invoice_id"], ["invoice.id"]),
        sa.ForeignKeyConstraint(["recurring_invoice_id"], ["recurring_invoice.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "recurring_invoice_id", "period", name="uq_recurring_invoice_run_period"
        ),
    )


def downgrade() -> None:
    op.drop_table("recurring_invoice_run")
    with op.batch_alter_table("recurring_invoice", schema=None) as batch_op:
        batch_op.drop_index("ix_recurring_invoice_due")
        batch_op.drop_index("ix_recurring_invoice_app_created")
    op.drop_table("recurring_invoice")
