"""event log: every event of an app once, with a per-app sequence; the webhook messages
name the event they deliver

Revision ID: 0008
Revises: 0013
Create Date: 2026-12-03 13:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

from gateway.db.types import UtcDateTime

revision = "0008"
down_revision = "0013"
branch_labels = None
depends_on = None

_TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    with op.batch_alter_table("app", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("event_seq", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("app", schema=None) as batch_op:
        batch_op.alter_column("event_seq", existing_type=sa.Integer(), server_default=None)
    op.create_table(
        "event",
        sa.Column("id", _TEXT(length=64), nullable=False),
        sa.Column("app_id", _TEXT(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("type", _TEXT(length=64), nullable=False),
        sa.Column("resource_type", _TEXT(length=32), nullable=False),
        sa.Column("resource_id", _TEXT(length=64), nullable=False),
        sa.Column("invoice_id", _TEXT(length=64), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["app_id"], ["app.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("app_id", "seq", name="uq_event_app_seq"),
    )
    op.create_index("ix_event_app_invoice_seq", "event", ["app_id", "invoice_id", "seq"])
    op.create_index("ix_event_created", "event", ["created_at"])
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("event_id", _TEXT(length=64), nullable=True))
        batch_op.add_column(sa.Column("seq", sa.Integer(), nullable=True))
        batch_op.create_index(
            "ix_outbox_endpoint_resource_seq",
            ["endpoint_id", "resource_type", "resource_id", "seq"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_endpoint_resource_seq")
        batch_op.drop_column("seq")
        batch_op.drop_column("event_id")
    op.drop_index("ix_event_created", table_name="event")
    op.drop_index("ix_event_app_invoice_seq", table_name="event")
    op.drop_table("event")
    with op.batch_alter_table("app", schema=None) as batch_op:
        batch_op.drop_column("event_seq")
