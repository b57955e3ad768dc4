"""invoice page index: an app's invoices newest first without a sort

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 21:10:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("invoice", schema=None) as batch_op:
        batch_op.create_index(
            "ix_invoice_app_created", ["app_id", "date_created", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("invoice", schema=None) as batch_op:
        batch_op.drop_index("ix_invoice_app_created")
