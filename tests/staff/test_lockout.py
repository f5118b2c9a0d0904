"""Sign-in lock-out behind proxies: it locks one username from one client address, never the username everywhere.

The client address is the one the outermost trusted proxy saw (DJANGO_NUM_PROXIES);
X-Forwarded-For entries a client adds on the left of it, or sends with no proxy in
front, change nothing.
"""

import pytest
from django.urls import reverse

from ics_portal.core.client_address import client_address

PROXY = "10.0.0.2"  # the reverse proxy, as gunicorn sees it
ATTACKER = "198.51.100.66"
STAFF_HOME = "203.0.113.5"
MESSAGE = "Too many failed sign-ins from your address for this account. Try again in 1 hour."


def _sign_in(client, password, username="editor_a", **meta):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        **meta,
    )


def _via_proxy(forwarded_for):
    """What gunicorn sees for a request through one proxy that appends the address it saw."""
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": forwarded_for}


def _fail_until_locked(client, settings, meta_for_attempt, username="editor_a"):
    responses = [
        _sign_in(client, "wrong-password", username, **meta_for_attempt(i)) for i in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert [r.status_code for r in responses[:-1]] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    return responses[-1]


@pytest.mark.django_db
def test_behind_one_proxy_an_attacker_locks_only_their_own_address_for_that_account(client, editor_a, settings):
    settings.NUM_PROXIES = 1
    locked = _fail_until_locked(client, settings, lambda i: _via_proxy(ATTACKER))
    assert locked.status_code == 429

    # The attacker stays locked, even with the right password...
    assert _sign_in(client, "a-long-test-password", **_via_proxy(ATTACKER)).status_code == 429
    # ...while the staff member, through the same proxy from home, signs in.
    assert _sign_in(client, "a-long-test-password", **_via_proxy(STAFF_HOME)).status_code == 302


@pytest.mark.django_db
def test_a_made_up_left_hand_forwarded_for_neither_escapes_nor_shifts_the_lock(client, editor_a, settings):
    settings.NUM_PROXIES = 1
    # Each attempt claims a new address on the left; the proxy appends the real one.
    locked = _fail_until_locked(client, settings, lambda i: _via_proxy(f"192.0.2.{i + 1}, {ATTACKER}"))
    assert locked.status_code == 429
    assert _sign_in(client, "wrong-password", **_via_proxy(f"{STAFF_HOME}, {ATTACKER}")).status_code == 429
    # Claiming the staff member's address did not lock it.
    assert _sign_in(client, "a-long-test-password", **_via_proxy(STAFF_HOME)).status_code == 302


@pytest.mark.django_db
def test_with_no_proxy_forwarded_for_is_ignored(client, editor_a, settings):
    settings.NUM_PROXIES = 0
    attacker = {"REMOTE_ADDR": ATTACKER}
    locked = _fail_until_locked(client, settings, lambda i: {**attacker, "HTTP_X_FORWARDED_FOR": f"192.0.2.{i + 1}"})
    assert locked.status_code == 429
    assert _sign_in(client, "a-long-test-password", **attacker, HTTP_X_FORWARDED_FOR="192.0.2.200").status_code == 429
    # A client connecting from another address, even one claiming the attacker's, signs in.
    staff = {"REMOTE_ADDR": STAFF_HOME, "HTTP_X_FORWARDED_FOR": ATTACKER}
    assert _sign_in(client, "a-long-test-password", **staff).status_code == 302


@pytest.mark.django_db
def test_other_accounts_can_still_sign_in_from_a_locked_address(client, editor_a, publisher_a, settings):
    settings.NUM_PROXIES = 1
    assert _fail_until_locked(client, settings, lambda i: _via_proxy(ATTACKER)).status_code == 429
    assert _sign_in(client, "a-long-test-password", "publisher_a", **_via_proxy(ATTACKER)).status_code == 302


@pytest.mark.django_db
def test_the_lockout_page_says_why_and_how_long_to_wait(client, editor_a, settings):
    settings.NUM_PROXIES = 1
    locked = _fail_until_locked(client, settings, lambda i: _via_proxy(ATTACKER))
    assert locked.status_code == 429
    assert locked["Retry-After"] == "3600"
    assert locked["Content-Type"].startswith("text/html")
    page = locked.content.decode()
    assert MESSAGE in page
    assert "<h1>Too many failed sign-ins</h1>" in page
    assert 'class="nhsuk-header' in page and "nhsuk-frontend.min.css" in page  # the NHS.UK layout of every page
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_lockout_records_the_client_address_not_the_proxys(client, editor_a, settings):
    from axes.models import AccessAttempt

    settings.NUM_PROXIES = 1
    _sign_in(client, "wrong-password", **_via_proxy(f"192.0.2.9, {ATTACKER}"))
    assert list(AccessAttempt.objects.values_list("username", "ip_address")) == [("editor_a", ATTACKER)]


@pytest.mark.parametrize(
    ("proxies", "remote_addr", "forwarded_for", "expected"),
    [
        (0, "203.0.113.5", None, "203.0.113.5"),
        (0, "203.0.113.5", "198.51.100.1", "203.0.113.5"),  # no proxy: the header is the client's own words
        (1, PROXY, "203.0.113.5", "203.0.113.5"),
        (1, PROXY, "198.51.100.1, 203.0.113.5", "203.0.113.5"),  # an address added on the left changes nothing
        (1, PROXY, "not-an-address, 203.0.113.5", "203.0.113.5"),
        (1, PROXY, '"198.51.100.1, 203.0.113.5', "203.0.113.5"),  # nor does an unclosed quote in the client's part
        (1, PROXY, "203.0.113.5:51234", "203.0.113.5"),
        (1, PROXY, "[2001:db8::5]:443", "2001:db8::5"),
        (1, PROXY, "::ffff:203.0.113.5", "203.0.113.5"),
        (1, PROXY, None, PROXY),  # not through the proxy: the peer we can see
        (1, PROXY, "", PROXY),
        (2, "10.0.0.3", "198.51.100.1, 203.0.113.5, 10.0.0.2", "203.0.113.5"),  # the 2nd from the right
        (2, "10.0.0.3", "203.0.113.5", "10.0.0.3"),  # fewer entries than proxies: REMOTE_ADDR
    ],
)
def test_client_address(rf, settings, proxies, remote_addr, forwarded_for, expected):
    settings.NUM_PROXIES = proxies
    meta = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded_for
    assert client_address(rf.get("/", **meta)) == expected


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(20, "1 minute"), (60, "1 minute"), (61, "2 minutes"), (3600, "1 hour"), (5400, "1 hour and 30 minutes")],
)
def test_the_wait_is_said_in_words(seconds, text):
    from datetime import timedelta

    from staff.lockout import describe_wait

    assert describe_wait(timedelta(seconds=seconds)) == text
