"""The organisation search indexes, now declared in Organisation.Meta.indexes.

governance/migrations/0004_search_indexes.py created them in SQL (on PostgreSQL only), so this
changes the migration state alone and runs nothing against the database.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.functions.text
from django.db import migrations

import ics_portal.core.models


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0004_list_order_indexes"),
        ("governance", "0004_search_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name="organisation",
                    index=ics_portal.core.models.PostgresGinIndex(
                        django.contrib.postgres.search.SearchVector("name", config="english"),
                        name="partners_org_search",
                    ),
                ),
                migrations.AddIndex(
                    model_name="organisation",
                    index=ics_portal.core.models.PostgresGinIndex(
                        django.contrib.postgres.indexes.OpClass(
                            django.db.models.functions.text.Upper("name"), name="gin_trgm_ops"
                        ),
                        name="partners_org_name_trgm",
                    ),
                ),
                migrations.AddIndex(
                    model_name="organisation",
                    index=ics_portal.core.models.PostgresBTreeIndex(
                        django.db.models.functions.text.Upper("ods_code"), name="partners_org_ods_upper"
                    ),
                ),
            ],
        ),
    ]
