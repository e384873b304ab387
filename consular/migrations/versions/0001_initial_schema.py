"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-28 00:26:30.780505
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "audit_event",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("tag", sa.String(length=80), nullable=False),
        sa.Column("target_type", sa.String(length=40), nullable=False),
        sa.Column("target_id", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=True),
        sa.Column("diff", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_event_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_tag"), ["tag"], unique=False)

    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    op.create_table(
        "employer",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("country", sa.String(length=3), nullable=False),
        sa.Column("parent_id", sa.String(length=36), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["employer.id"], name=op.f("fk_employer_parent_id_employer")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_employer")),
        sa.UniqueConstraint("name", name=op.f("uq_employer_name")),
    )
    op.create_table(
        "person",
        sa.Column("registry_ref", sa.String(length=64), nullable=True),
        sa.Column("family_name_hangul", sa.String(length=40), nullable=True),
        sa.Column("given_name_hangul", sa.String(length=40), nullable=True),
        sa.Column("family_name", sa.String(length=80), nullable=True),
        sa.Column("given_name", sa.String(length=120), nullable=True),
        sa.Column("other_spellings", sa.JSON(), nullable=False),
        sa.Column("sex", sa.String(length=1), nullable=True),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("nationality", sa.String(length=3), nullable=False),
        sa.Column("passport_number", sa.String(length=20), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("hangul_key", sa.String(length=80), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
        sa.UniqueConstraint("registry_ref", name=op.f("uq_person_registry_ref")),
    )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_person_date_of_birth"), ["date_of_birth"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_person_hangul_key"), ["hangul_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_person_name_key"), ["name_key"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_person_passport_number"), ["passport_number"], unique=False
        )

    op.create_table(
        "post",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("country", sa.String(length=3), nullable=False),
        sa.Column("city", sa.String(length=120), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_post")),
        sa.UniqueConstraint("name", name=op.f("uq_post_name")),
    )
    op.create_table(
        "registry_import",
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("imported_by", sa.String(length=120), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_import")),
        sa.UniqueConstraint("file_sha256", name=op.f("uq_registry_import_file_sha256")),
    )
    op.create_table(
        "deployment",
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("employer_id", sa.String(length=36), nullable=False),
        sa.Column("host_country", sa.String(length=3), nullable=False),
        sa.Column("worksite", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=120), nullable=False),
        sa.Column("planned_activities", sa.JSON(), nullable=False),
        sa.Column("entry_status", sa.String(length=10), nullable=True),
        sa.Column("entry_date", sa.Date(), nullable=True),
        sa.Column("planned_end", sa.Date(), nullable=True),
        sa.Column("screening_verdict", sa.String(length=20), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["employer_id"], ["employer.id"], name=op.f("fk_deployment_employer_id_employer")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_deployment_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deployment")),
    )
    with op.batch_alter_table("deployment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_deployment_employer_id"), ["employer_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_deployment_person_id"), ["person_id"], unique=False)

    op.create_table(
        "emergency_contact",
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("relationship_to_person", sa.String(length=60), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_emergency_contact_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_emergency_contact")),
    )
    with op.batch_alter_table("emergency_contact", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_emergency_contact_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "incident",
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("host_country", sa.String(length=3), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("agency", sa.String(length=200), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("post_id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["post_id"], ["post.id"], name=op.f("fk_incident_post_id_post")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident")),
    )
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incident_post_id"), ["post_id"], unique=False)

    op.create_table(
        "user_account",
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("post_id", sa.String(length=36), nullable=True),
        sa.Column("employer_id", sa.String(length=36), nullable=True),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["employer_id"], ["employer.id"], name=op.f("fk_user_account_employer_id_employer")
        ),
        sa.ForeignKeyConstraint(
            ["post_id"], ["post.id"], name=op.f("fk_user_account_post_id_post")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_account")),
        sa.UniqueConstraint("name", name=op.f("uq_user_account_name")),
    )
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_user_account_employer_id"), ["employer_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_user_account_post_id"), ["post_id"], unique=False)

    op.create_table(
        "api_token",
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_api_token_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_token_token_hash")),
    )
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_token_user_id"), ["user_id"], unique=False)

    op.create_table(
        "case_file",
        sa.Column("incident_id", sa.String(length=36), nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("facility", sa.String(length=200), nullable=True),
        sa.Column("host_identifier", sa.String(length=40), nullable=True),
        sa.Column("arrested_at", sa.DateTime(), nullable=False),
        sa.Column("disposition", sa.String(length=24), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incident.id"], name=op.f("fk_case_file_incident_id_incident")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_case_file_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_file")),
        sa.UniqueConstraint("incident_id", "number", name=op.f("uq_case_file_incident_id_number")),
        sa.UniqueConstraint(
            "incident_id", "person_id", name=op.f("uq_case_file_incident_id_person_id")
        ),
    )
    with op.batch_alter_table("case_file", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_file_incident_id"), ["incident_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_file_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_file_state"), ["state"], unique=False)

    op.create_table(
        "source_list",
        sa.Column("incident_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("imported_by", sa.String(length=120), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("errors", sa.JSON(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incident.id"], name=op.f("fk_source_list_incident_id_incident")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_list")),
        sa.UniqueConstraint(
            "incident_id", "file_sha256", name=op.f("uq_source_list_incident_id_file_sha256")
        ),
    )
    with op.batch_alter_table("source_list", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_source_list_incident_id"), ["incident_id"], unique=False
        )

    op.create_table(
        "case_note",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("author", sa.String(length=120), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case_file.id"],
            name=op.f("fk_case_note_case_id_case_file"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_note")),
    )
    with op.batch_alter_table("case_note", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_note_case_id"), ["case_id"], unique=False)

    op.create_table(
        "custody_event",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("facility", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=120), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case_file.id"],
            name=op.f("fk_custody_event_case_id_case_file"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custody_event")),
    )
    with op.batch_alter_table("custody_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_custody_event_case_id"), ["case_id"], unique=False)

    op.create_table(
        "milestone",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("breach_at", sa.DateTime(), nullable=False),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.Column("done_by", sa.String(length=120), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case_file.id"],
            name=op.f("fk_milestone_case_id_case_file"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_milestone")),
        sa.UniqueConstraint("case_id", "kind", name=op.f("uq_milestone_case_id_kind")),
    )
    with op.batch_alter_table("milestone", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_milestone_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_milestone_due_at"), ["due_at"], unique=False)

    op.create_table(
        "source_record",
        sa.Column("source_list_id", sa.String(length=36), nullable=False),
        sa.Column("incident_id", sa.String(length=36), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("raw", sa.JSON(), nullable=False),
        sa.Column("family_name", sa.String(length=80), nullable=True),
        sa.Column("given_name", sa.String(length=120), nullable=True),
        sa.Column("full_name_hangul", sa.String(length=60), nullable=True),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("sex", sa.String(length=1), nullable=True),
        sa.Column("nationality", sa.String(length=3), nullable=True),
        sa.Column("passport_number", sa.String(length=20), nullable=True),
        sa.Column("facility", sa.String(length=200), nullable=True),
        sa.Column("host_identifier", sa.String(length=40), nullable=True),
        sa.Column("arrested_at", sa.DateTime(), nullable=True),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=True),
        sa.Column("case_id", sa.String(length=36), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("candidates", sa.JSON(), nullable=False),
        sa.Column("decided_by", sa.String(length=120), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case_file.id"], name=op.f("fk_source_record_case_id_case_file")
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incident.id"], name=op.f("fk_source_record_incident_id_incident")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_source_record_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["source_list_id"],
            ["source_list.id"],
            name=op.f("fk_source_record_source_list_id_source_list"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_record")),
    )
    with op.batch_alter_table("source_record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_source_record_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_source_record_decision"), ["decision"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_source_record_incident_id"), ["incident_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_source_record_person_id"), ["person_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_source_record_source_list_id"), ["source_list_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("source_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_source_record_source_list_id"))
        batch_op.drop_index(batch_op.f("ix_source_record_person_id"))
        batch_op.drop_index(batch_op.f("ix_source_record_incident_id"))
        batch_op.drop_index(batch_op.f("ix_source_record_decision"))
        batch_op.drop_index(batch_op.f("ix_source_record_case_id"))

    op.drop_table("source_record")
    with op.batch_alter_table("milestone", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_milestone_due_at"))
        batch_op.drop_index(batch_op.f("ix_milestone_case_id"))

    op.drop_table("milestone")
    with op.batch_alter_table("custody_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_custody_event_case_id"))

    op.drop_table("custody_event")
    with op.batch_alter_table("case_note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_note_case_id"))

    op.drop_table("case_note")
    with op.batch_alter_table("source_list", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_source_list_incident_id"))

    op.drop_table("source_list")
    with op.batch_alter_table("case_file", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_file_state"))
        batch_op.drop_index(batch_op.f("ix_case_file_person_id"))
        batch_op.drop_index(batch_op.f("ix_case_file_incident_id"))

    op.drop_table("case_file")
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_token_user_id"))

    op.drop_table("api_token")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_account_post_id"))
        batch_op.drop_index(batch_op.f("ix_user_account_employer_id"))

    op.drop_table("user_account")
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_post_id"))

    op.drop_table("incident")
    with op.batch_alter_table("emergency_contact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_emergency_contact_person_id"))

    op.drop_table("emergency_contact")
    with op.batch_alter_table("deployment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deployment_person_id"))
        batch_op.drop_index(batch_op.f("ix_deployment_employer_id"))

    op.drop_table("deployment")
    op.drop_table("registry_import")
    op.drop_table("post")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_passport_number"))
        batch_op.drop_index(batch_op.f("ix_person_name_key"))
        batch_op.drop_index(batch_op.f("ix_person_hangul_key"))
        batch_op.drop_index(batch_op.f("ix_person_date_of_birth"))

    op.drop_table("person")
    op.drop_table("employer")
    op.drop_table("audit_head")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_tag"))
        batch_op.drop_index(batch_op.f("ix_audit_event_case_id"))

    op.drop_table("audit_event")
