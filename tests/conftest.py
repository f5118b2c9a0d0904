import pytest


@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    from django.core.cache import cache

    cache.clear()
