"""webhook secret encryption: room for a sealed secret ("fernet:" + Fernet token)

Existing plaintext secrets stay as they are and keep working (read as legacy rows);
`invoice-gateway webhooks seal-secrets` encrypts them.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-08 10:00:00.000000
"""

from __future__ import annotations

import sqlmodel
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("webhook_endpoint", schema=None) as batch_op:
        batch_op.alter_column(
            "secret",
            existing_type=sqlmodel.sql.sqltypes.AutoString(length=128),
            type_=sqlmodel.sql.sqltypes.AutoString(length=256),
            existing_nullable=False,
        )


def downgrade() -> None:
    # Sealed secrets do not fit 128 characters: run this only on a database whose
    # secrets are plaintext (the code before this revision cannot read sealed ones).
    with op.batch_alter_table("webhook_endpoint", schema=None) as batch_op:
        batch_op.alter_column(
            "secret",
            existing_type=sqlmodel.sql.sqltypes.AutoString(length=256),
            type_=sqlmodel.sql.sqltypes.AutoString(length=128),
            existing_nullable=False,
        )
