"""The board, person and MoU search indexes, now declared in each model's Meta.indexes.

0004_search_indexes created them in SQL (on PostgreSQL only), so this changes the migration
state alone and runs nothing against the database.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.functions.text
from django.db import migrations

import ics_portal.core.models


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0005_agenda_item_order_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name="board",
                    index=ics_portal.core.models.PostgresGinIndex(
                        django.contrib.postgres.search.SearchVector("name", config="english"),
                        name="governance_board_search",
                    ),
                ),
                migrations.AddIndex(
                    model_name="board",
                    index=ics_portal.core.models.PostgresGinIndex(
                        django.contrib.postgres.indexes.OpClass(
                            django.db.models.functions.text.Upper("name"), name="gin_trgm_ops"
                        ),
                        name="governance_board_name_trgm",
                    ),
                ),
                migrations.AddIndex(
                    model_name="mou",
                    index=ics_portal.core.models.PostgresGinIndex(
                        django.contrib.postgres.search.SearchVector("title", "summary", config="english"),
                        name="governance_mou_search",
                    ),
                ),
                migrations.AddIndex(
                    model_name="mou",
                    index=ics_portal.core.models.PostgresGinIndex(
                        django.contrib.postgres.indexes.OpClass(
                            django.db.models.functions.text.Upper("title"), name="gin_trgm_ops"
                        ),
                        name="governance_mou_title_trgm",
                    ),
                ),
                migrations.AddIndex(
                    model_name="person",
                    index=ics_portal.core.models.PostgresGinIndex(
                        django.contrib.postgres.search.SearchVector("name", "title", config="english"),
                        name="governance_person_search",
                    ),
                ),
                migrations.AddIndex(
                    model_name="person",
                    index=ics_portal.core.models.PostgresGinIndex(
                        django.contrib.postgres.indexes.OpClass(
                            django.db.models.functions.text.Upper("name"), name="gin_trgm_ops"
                        ),
                        name="governance_person_name_trgm",
                    ),
                ),
            ],
        ),
    ]
