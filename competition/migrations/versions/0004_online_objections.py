"""objections filed online: receipt, filer kind and unit, and their files

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 16:50:00

Anyone may file an objection from the public notice page (no account); each gets a receipt
to ask for its status later, and keeps the identity document, sealed letter and evidence it
came with.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("objection", schema=None) as batch_op:
        batch_op.add_column(sa.Column("receipt", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("filer_kind", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("filer_unit", sa.String(length=100), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_objection_receipt"), ["receipt"])
    op.create_table(
        "objection_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("objection_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("storage_key", sa.String(length=64), nullable=False),
        sa.Column("file_kind", sa.String(length=10), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["objection_id"],
            ["objection.id"],
            name=op.f("fk_objection_file_objection_id_objection"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_objection_file")),
    )
    with op.batch_alter_table("objection_file", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_objection_file_objection_id"), ["objection_id"], unique=False)


def downgrade():
    with op.batch_alter_table("objection_file", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_objection_file_objection_id"))
    op.drop_table("objection_file")
    with op.batch_alter_table("objection", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_objection_receipt"), type_="unique")
        batch_op.drop_column("filer_unit")
        batch_op.drop_column("filer_kind")
        batch_op.drop_column("receipt")
