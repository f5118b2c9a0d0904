"""Sign-in security: lock-out after repeated failures, password rules, secure cookies."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse


def _sign_in(client, password):
    return client.post(
        reverse("admin:login"), {"username": "editor_a", "password": password, "next": reverse("admin:index")}
    )


@pytest.mark.django_db
def test_admin_sign_in_works(client, editor_a):
    response = _sign_in(client, "a-long-test-password")
    assert response.status_code == 302 and response.url == reverse("admin:index")


@pytest.mark.django_db
def test_five_failures_lock_the_account_even_with_the_right_password(client, editor_a, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _sign_in(client, "wrong-password").status_code == 200
    assert _sign_in(client, "wrong-password").status_code == 429  # the limit-th failure locks
    locked = _sign_in(client, "a-long-test-password")
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_lock_out_state_does_not_leak_between_tests(client, editor_a):
    """Axes keeps attempts in the database, which each test rolls back."""
    from axes.models import AccessAttempt

    assert AccessAttempt.objects.count() == 0
    assert _sign_in(client, "a-long-test-password").status_code == 302


@pytest.mark.parametrize("password", ["short", "password123456", "12345678901234"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_production_cookies_are_secure():
    from ics_portal import settings as production

    assert production.SESSION_COOKIE_SECURE == (not production.DEBUG)
    assert production.CSRF_COOKIE_SECURE == (not production.DEBUG)
    assert production.SESSION_COOKIE_HTTPONLY
