"""notifications: messages to people, their email deliveries, and each person's choices

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-08 01:20:00

The message centre (站内消息) keeps every message sent to a person; each email is a delivery
with its state, attempts and a unique idempotency key, so nothing is lost or sent twice.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("link", sa.String(length=500), nullable=True),
        sa.Column("contest_id", sa.Integer(), nullable=True),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("event_key", sa.String(length=160), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contest_id"], ["contest.id"], name=op.f("fk_notification_contest_id_contest"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["entry.id"], name=op.f("fk_notification_entry_id_entry"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_notification_user_id_user_account"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
        sa.UniqueConstraint("event_key", name=op.f("uq_notification_event_key")),
    )
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notification_contest_id"), ["contest_id"], unique=False)
        batch_op.create_index("ix_notification_user_unread", ["user_id", "read_at"], unique=False)
    op.create_table(
        "notification_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notification_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["notification_id"],
            ["notification.id"],
            name=op.f("fk_notification_delivery_notification_id_notification"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_delivery")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_notification_delivery_idempotency_key")),
    )
    with op.batch_alter_table("notification_delivery", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notification_delivery_notification_id"), ["notification_id"], unique=False)
        batch_op.create_index("ix_notification_delivery_due", ["state", "next_attempt_at"], unique=False)
    op.create_table(
        "notification_preference",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_notification_preference_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_preference")),
        sa.UniqueConstraint("user_id", "kind", "channel", name=op.f("uq_notification_preference_user_id_kind_channel")),
    )
    with op.batch_alter_table("notification_preference", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notification_preference_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("notification_preference", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notification_preference_user_id"))
    op.drop_table("notification_preference")
    with op.batch_alter_table("notification_delivery", schema=None) as batch_op:
        batch_op.drop_index("ix_notification_delivery_due")
        batch_op.drop_index(batch_op.f("ix_notification_delivery_notification_id"))
    op.drop_table("notification_delivery")
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index("ix_notification_user_unread")
        batch_op.drop_index(batch_op.f("ix_notification_contest_id"))
    op.drop_table("notification")
