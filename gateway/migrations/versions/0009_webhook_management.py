"""webhook management: endpoint names, event filters, secret rotation, failure tracking,
soft deletion; the webhook-id a replayed message carries; the delivery log by endpoint

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 14:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

from gateway.db.types import UtcDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_TEXT = sqlmodel.sql.sqltypes.AutoString
_STAMPS = ("previous_secret_until", "failing_since", "updated_at", "deleted_at")


def upgrade() -> None:
    with op.batch_alter_table("webhook_endpoint", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("name", _TEXT(length=100), nullable=False, server_default=sa.text("''"))
        )
        batch_op.add_column(
            sa.Column("encrypted", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("enabled_events", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("previous_secret", _TEXT(length=256), nullable=True))
        for column in _STAMPS:
            batch_op.add_column(sa.Column(column, UtcDateTime(), nullable=True))
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("webhook_id", _TEXT(length=64), nullable=True))
    with op.batch_alter_table("webhook_attempt", schema=None) as batch_op:
        batch_op.create_index("ix_webhook_attempt_endpoint", ["endpoint_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("webhook_attempt", schema=None) as batch_op:
        batch_op.drop_index("ix_webhook_attempt_endpoint")
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_column("webhook_id")
    with op.batch_alter_table("webhook_endpoint", schema=None) as batch_op:
        for column in reversed(_STAMPS):
            batch_op.drop_column(column)
        batch_op.drop_column("previous_secret")
        batch_op.drop_column("enabled_events")
        batch_op.drop_column("encrypted")
        batch_op.drop_column("name")
