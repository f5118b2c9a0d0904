"""Every model staff edit declares which ICS its records belong to, and a model that forgets is an error.

staff.permissions reads only the declaration (ics_portal.core.models.IcsRecord), so a model without
one must fail loudly rather than pass as a record of no ICS.
"""

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.test.utils import isolate_apps
from simple_history.models import HistoricalChanges

from ics_portal.core.models import IcsOwned, IcsRecord, SharedRecord, check_ics_declarations, ics_declaration_errors
from staff import permissions

STAFF_EDITED_APPS = ("places", "partners", "governance", "staff")

# What each model declares: the path to its one ICS, "shared", or "methods" (one ICS, found by its own methods).
EXPECTED = {
    "places.IntegratedCareSystem": "pk",
    "places.IcsStage": "ics",
    "places.IcsSuccession": "successor",
    "places.Cluster": "shared",
    "places.ClusterMembership": "ics",
    "places.PlannedChange": "shared",
    "places.Place": "shared",
    "places.PlaceMembership": "ics",
    "places.MapOutline": "ics",
    "governance.LeadershipPost": "ics",
    "partners.Organisation": "shared",
    "partners.OrganisationName": "shared",
    "partners.Partnership": "ics",
    "partners.OrganisationSuccession": "shared",  # follows its predecessor
    "partners.OdsChange": "shared",  # follows its organisation; decided by the national role only
    "governance.Programme": "ics",
    "governance.Board": "ics",
    "governance.Person": "shared",
    "governance.BoardMembership": "board__ics",
    "governance.Meeting": "board__ics",
    "governance.AgendaItem": "meeting__board__ics",
    "governance.Decision": "agenda_item__meeting__board__ics",  # a view: a line of an item's resolutions
    "governance.MeetingTally": "meeting__board__ics",  # counted by the database (ADR 13), never edited
    "governance.Attendance": "meeting__board__ics",
    "governance.MoU": "ics",
    "governance.MoUSignatory": "mou__ics",
    "governance.Document": "methods",
    "governance.DeclarationOfInterest": "shared",
    "staff.StaffRole": "ics",  # a role belongs to the ICS it grants rights in
    "staff.BackgroundJob": "ics",  # an import's job belongs to the ICS it imports into; a sync's to none
}


def staff_edited_models():
    """Every concrete model of the apps staff edit, except django-simple-history's history tables."""
    return [
        model
        for label in STAFF_EDITED_APPS
        for model in apps.get_app_config(label).get_models()
        if not issubclass(model, HistoricalChanges)
    ]


def declared(model) -> str:
    if model.ics_shared:
        return "shared"
    return model.ics_path or "methods"


def test_every_model_staff_edit_declares_its_ics():
    undeclared = [model._meta.label for model in staff_edited_models() if not issubclass(model, IcsRecord)]
    assert undeclared == []
    errors = {model._meta.label: ics_declaration_errors(model) for model in staff_edited_models()}
    assert {label: found for label, found in errors.items() if found} == {}


def test_each_model_declares_what_adr_0004_says():
    assert {model._meta.label: declared(model) for model in staff_edited_models()} == EXPECTED


def test_the_system_check_passes_for_the_project():
    assert check_ics_declarations() == []
    assert [message for message in checks.run_checks(tags=[checks.Tags.models]) if message.id.startswith("core.")] == []


def a_model(name, *mixins, app_label="places", **attrs):
    """A throwaway model, registered in the registry isolate_apps() sets up."""
    meta = type("Meta", (), {"app_label": app_label})
    return type(name, (*mixins, models.Model), {"__module__": __name__, "Meta": meta, **attrs})


@isolate_apps("places", "partners")
def test_the_system_check_names_a_model_that_declares_nothing():
    declared_one = a_model("Declared", IcsOwned, ics_path="pk")
    forgotten = a_model("Forgotten")
    a_model("ElsewhereNothingDeclared", app_label="partners")
    errors = check_ics_declarations(declared_one._meta.apps.get_app_configs())
    # An app where no model declares an ICS takes no part, so only Forgotten is named.
    assert [(error.id, error.obj) for error in errors] == [("core.E001", forgotten)]


@isolate_apps("places")
def test_the_system_check_names_an_incomplete_declaration():
    no_path = a_model("NoPath", IcsOwned)
    assert [error.id for error in ics_declaration_errors(no_path)] == ["core.E002"]
    half_shared = a_model("HalfShared", SharedRecord, linked_ics_ids=lambda self: set())
    (error,) = ics_declaration_errors(half_shared)
    assert error.id == "core.E003"
    assert "linked_q, unlinked_q" in error.msg


@isolate_apps("places")
def test_permissions_refuse_a_model_that_declares_nothing():
    forgotten = a_model("Forgotten")
    user, record = AnonymousUser(), forgotten(pk=1)
    for check in (permissions.can_edit, permissions.can_delete, permissions.can_publish):
        with pytest.raises(ImproperlyConfigured, match="places.Forgotten does not declare which ICS"):
            check(user, record)
    for lookup in (permissions.ics_of, permissions.ics_id_of, permissions.linked_ics_ids):
        with pytest.raises(ImproperlyConfigured):
            lookup(record)
    with pytest.raises(ImproperlyConfigured):
        permissions.visible_to(user, forgotten.objects.all())
    with pytest.raises(ImproperlyConfigured):
        permissions.ics_q(forgotten, [1])


@pytest.mark.django_db
def test_an_unsaved_declaration_is_linked_to_its_persons_boards():
    """A new declaration follows its person at once, so rights over it are decided before it is saved."""
    from governance.models import DeclarationOfInterest
    from tests.factories import BoardMembershipFactory, PersonFactory

    person = PersonFactory()
    seat = BoardMembershipFactory(person=person)
    declaration = DeclarationOfInterest(person=person, interest="Trustee of a local charity")

    assert declaration.linked_ics_ids() == {seat.board.ics_id}
    assert DeclarationOfInterest(interest="No person yet").linked_ics_ids() == set()
