import pytest


@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="module")
def loaded_demo(django_db_setup, django_db_blocker):
    """load_demo once for a module's tests, rolled back after them (each test's `db` is a savepoint inside).

    The deferred lifecycle triggers are checked at once (SET CONSTRAINTS ALL IMMEDIATE), as a commit would.
    """
    from django.core.management import call_command
    from django.db import connection, transaction

    with django_db_blocker.unblock():
        with transaction.atomic():
            call_command("load_demo", verbosity=0)
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            yield
            transaction.set_rollback(True)
