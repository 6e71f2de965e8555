"""Search of a space's threads on PostgreSQL: titles and messages indexed in French, accents
ignored, so that a feed of thousands of threads is searched through two GIN indexes.

The expressions are the ones communities.selectors.spaces.ToTsVector writes. The text search
configuration is the one innovations' 0002 creates; it is created here too when missing so
that this app does not depend on the migrations of an app above it. SQLite has none of this:
the feed falls back to a plain search there.
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
CREATE INDEX IF NOT EXISTS thread_title_search
    ON communities_thread USING gin (to_tsvector('french_unaccent'::regconfig, title));
CREATE INDEX IF NOT EXISTS post_body_search
    ON communities_post USING gin (to_tsvector('french_unaccent'::regconfig, body));
"""

DROP = """
DROP INDEX IF EXISTS thread_title_search;
DROP INDEX IF EXISTS post_body_search;
"""


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("communities", "0003_community_life")]

    operations = [migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP))]
