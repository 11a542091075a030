"""Live class: classes, exercises, participants, assignments, submissions, auth failures.

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "live_class",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("title", sa.String(80), nullable=False),
        sa.Column("teacher_hash", sa.String(64), nullable=False),
        sa.Column("variant_salt", sa.String(64), nullable=False),
        sa.Column("scenario_yaml", sa.Text(), nullable=False),
        sa.Column("scenario_label", sa.String(200), nullable=False),
        sa.Column("joining_locked", sa.Boolean(), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("code"),
        sa.UniqueConstraint("teacher_hash"),
    )
    op.create_index("ix_live_class_expires_at", "live_class", ["expires_at"])
    op.create_table(
        "live_exercise",
        sa.Column("class_id", sa.Integer(), sa.ForeignKey("live_class.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("live", sa.Boolean(), nullable=False),
        sa.Column("revealed", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "live_participant",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("class_id", sa.Integer(), sa.ForeignKey("live_class.id", ondelete="CASCADE"), nullable=False),
        sa.Column("nickname", sa.String(80), nullable=False),
        sa.Column("nickname_key", sa.String(80), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("variant_json", sa.Text(), nullable=False),
        sa.Column("joined_at", sa.DateTime(), nullable=False),
        sa.Column("removed", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("class_id", "nickname_key", name="uq_live_participant_nickname"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_live_participant_class_id", "live_participant", ["class_id"])
    op.create_table(
        "live_assignment",
        sa.Column("participant_id", sa.Integer(), sa.ForeignKey("live_participant.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("exercise_key", sa.String(64), primary_key=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("expected", sa.String(200), nullable=True),
        sa.Column("unit", sa.String(64), nullable=False),
        sa.Column("tolerance", sa.String(64), nullable=False),
        sa.Column("relative", sa.Boolean(), nullable=False),
        sa.Column("ask", sa.String(200), nullable=False),
    )
    op.create_table(
        "live_submission",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("class_id", sa.Integer(), sa.ForeignKey("live_class.id", ondelete="CASCADE"), nullable=False),
        sa.Column("participant_id", sa.Integer(), sa.ForeignKey("live_participant.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("exercise_key", sa.String(64), nullable=False),
        sa.Column("answer_text", sa.String(80), nullable=False),
        sa.Column("value", sa.String(200), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.Column("request_id", sa.String(64), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("participant_id", "request_id", name="uq_live_submission_request"),
    )
    op.create_index("ix_live_submission_class_exercise", "live_submission", ["class_id", "exercise_key"])
    op.create_index("ix_live_submission_participant_id", "live_submission", ["participant_id"])
    op.create_table(
        "live_auth_failure",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("scope", sa.String(64), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_live_auth_failure_scope", "live_auth_failure", ["scope", "source", "at"])


def downgrade() -> None:
    for t in ("live_auth_failure", "live_submission", "live_assignment", "live_participant", "live_exercise",
              "live_class"):
        op.drop_table(t)
