"""material requirement: the longest a video may run

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 17:20:00

The province limits an entry's video (Anhui: at most 1 minute); uploads longer than the
material's limit are refused with their duration.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("material_requirement", schema=None) as batch_op:
        batch_op.add_column(sa.Column("max_duration_seconds", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("material_requirement", schema=None) as batch_op:
        batch_op.drop_column("max_duration_seconds")
