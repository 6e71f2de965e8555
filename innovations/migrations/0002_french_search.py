"""Full-text search in French on PostgreSQL: accents ignored, words stemmed.

SQLite (the `make run` default) has none of this; the bank falls back to a folded text search.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS unaccent;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') THEN
        CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french);
        ALTER TEXT SEARCH CONFIGURATION french_unaccent
            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
    END IF;
END $$;
CREATE INDEX IF NOT EXISTS innovation_search_vector_gin
    ON innovations_innovation USING gin (search_vector);
"""

DROP = """
DROP INDEX IF EXISTS innovation_search_vector_gin;
DROP TEXT SEARCH CONFIGURATION IF EXISTS french_unaccent;
"""


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("innovations", "0001_initial")]

    operations = [migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP))]
