"""The migrations build exactly the schema the models describe, and undo cleanly, on both databases."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from competition import create_app
from competition.extensions import db
from tests.conftest import make_test_config


def test_upgrade_matches_models_and_downgrade_empties(tmp_path, fresh_database_url):
    app = create_app(make_test_config(tmp_path, fresh_database_url))
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        downgrade(revision="base")
        remaining = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert remaining == set()
        upgrade()  # and up again after a full downgrade
        assert "entry" in inspect(db.engine).get_table_names()
        db.engine.dispose()
