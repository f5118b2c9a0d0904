"""Rules PostgreSQL checks at commit (deferred triggers) answer 400/409 through the API, never 500.

These tests commit for real (transactional_db), as production requests do.
"""

import pytest

from governance.models import MoU
from tests import factories as f
from tests.api.conftest import client_for, make_user


@pytest.fixture
def _db(transactional_db):
    """Override the package's `db` autouse fixture: these tests need real commits."""


def test_the_last_signatory_of_a_signed_mou_cannot_be_removed():
    ics = f.IntegratedCareSystemFactory()
    staff = make_user("committer", ics)
    mou = f.MoUFactory(ics=ics, status=MoU.Status.AGREED)
    signatory = f.MoUSignatoryFactory(mou=mou)
    client = client_for(staff)
    assert client.patch(f"/api/v1/mous/{mou.slug}/", {"status": "signed"}, format="json").status_code == 200
    refused = client.delete(f"/api/v1/mou-signatories/{signatory.pk}/")
    assert refused.status_code == 409 and "signatory" in refused.json()["detail"]
    second = f.MoUSignatoryFactory(mou=mou)
    assert client.delete(f"/api/v1/mou-signatories/{signatory.pk}/").status_code == 204
    moved = client.patch(f"/api/v1/mou-signatories/{second.pk}/", {"mou": f.MoUFactory(ics=ics).slug}, format="json")
    assert moved.status_code == 409  # Caught by the database at commit: still JSON, never a 500.
    assert mou.signatories.count() == 1
