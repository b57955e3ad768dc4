"""presentation: the app's bank details and logo, the customer's locale, and the trace
context an outbox message carries to its delivery

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    with op.batch_alter_table("app", schema=None) as batch_op:
        batch_op.add_column(sa.Column("bank_details", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("logo", sa.Text(), nullable=True))
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locale", _TEXT(length=16), nullable=True))
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("trace_context", _TEXT(length=512), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_column("trace_context")
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.drop_column("locale")
    with op.batch_alter_table("app", schema=None) as batch_op:
        batch_op.drop_column("logo")
        batch_op.drop_column("bank_details")
