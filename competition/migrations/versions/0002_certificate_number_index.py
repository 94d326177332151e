"""index certificate numbers (查验证书 looks a certificate up by its number across contests)

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 10:00:00

The unique (contest_id, number) constraint cannot serve a search by number alone.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_certificate_number"), ["number"], unique=False)


def downgrade():
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_certificate_number"))
