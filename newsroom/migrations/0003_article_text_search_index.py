"""A GIN index for the article list's full-text search of the text, on PostgreSQL only.

Its expression is ``newsroom.search``'s (``to_tsvector('simple', raw_text)``); other
databases search the text by substring and get no index. Not part of the model state:
Django has no backend-conditional index, and the SQLite schema stays as it was.
"""

from django.db import migrations

# As newsroom.search.INDEX_SQL when written (a migration keeps its own copy).
INDEX_SQL = (
    "CREATE INDEX IF NOT EXISTS newsroom_article_text_search ON newsroom_article "
    "USING gin (to_tsvector('simple'::regconfig, raw_text))"
)
DROP_INDEX_SQL = "DROP INDEX IF EXISTS newsroom_article_text_search"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INDEX_SQL)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_INDEX_SQL)


class Migration(migrations.Migration):

    dependencies = [
        ("newsroom", "0002_article_revisions"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
