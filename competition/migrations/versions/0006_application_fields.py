"""the province's 申报书 fields: students' and advisers' details, the 免冠照片, a section's required fields

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-08 01:30:00

Students get 民族, 身份证号, the guardian's details, phone, address, 邮编 and a team member's 分工;
advisers 年龄, 专业 and 职称. A student's photo is a row of its own (student_photo) that belongs
to the entry, since the form replaces the student rows on each save. A section lists the fields
it requires for submission (none for a section that existed before).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "student_photo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("storage_key", sa.String(length=120), nullable=False),
        sa.Column("file_kind", sa.String(length=10), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["entry.id"], name=op.f("fk_student_photo_entry_id_entry"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["user_account.id"], name=op.f("fk_student_photo_uploaded_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_student_photo")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_student_photo_storage_key")),
    )
    with op.batch_alter_table("student_photo", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_student_photo_entry_id"), ["entry_id"], unique=False)

    with op.batch_alter_table("student", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ethnicity", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("id_number", sa.String(length=18), nullable=True))
        batch_op.add_column(sa.Column("guardian_name", sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column("guardian_relation", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("guardian_work", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("phone", sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column("address", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("postcode", sa.String(length=6), nullable=True))
        batch_op.add_column(sa.Column("team_role", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("photo_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_student_photo_id"), ["photo_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_student_photo_id_student_photo"), "student_photo", ["photo_id"], ["id"], ondelete="SET NULL"
        )

    with op.batch_alter_table("adviser", schema=None) as batch_op:
        batch_op.add_column(sa.Column("age", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("major", sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column("title", sa.String(length=50), nullable=True))

    with op.batch_alter_table("section", schema=None) as batch_op:
        batch_op.add_column(sa.Column("required_fields", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("section", schema=None) as batch_op:
        batch_op.drop_column("required_fields")
    with op.batch_alter_table("adviser", schema=None) as batch_op:
        batch_op.drop_column("title")
        batch_op.drop_column("major")
        batch_op.drop_column("age")
    with op.batch_alter_table("student", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_student_photo_id_student_photo"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_student_photo_id"))
        for column in (
            "photo_id",
            "team_role",
            "postcode",
            "address",
            "phone",
            "guardian_work",
            "guardian_relation",
            "guardian_name",
            "id_number",
            "ethnicity",
        ):
            batch_op.drop_column(column)
    with op.batch_alter_table("student_photo", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_student_photo_entry_id"))
    op.drop_table("student_photo")
