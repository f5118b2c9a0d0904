"""The one place the admin learns who may see and change what.

Every ModelAdmin in places/, partners/ and governance/ derives from `StaffAdmin`
and every inline from `StaffInlineMixin`. Rights come from `staff.permissions`
(StaffRole rows), not from Django's per-model permissions: a staff user needs
`is_staff` to reach the admin and a role in an ICS to see anything in it.

Every write the admin makes asks `staff.permissions` for the record as stored and as it
will be saved (`can_change`): a change form, each inline row, each record of a bulk action
(a selection holding one record the user may not act on is refused as a whole) and History →
Revert, which is decided on the record as it is now AND on the version restored. A shared
record (organisation, person) that staff may see but not change (it is linked to another ICS
too) shows read-only.

The rules some records carry (publishing, an MoU's signatories, one chair at a
time, an ICS's identity) are stated in their app's services (governance/services.py,
places/services.py): the app's admin classes ask them, in form validation so the message
lands on the form, and write through them.
"""

from __future__ import annotations

import copy
import functools

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, router, transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from ics_portal.core.database_rules import refusal as database_refusal

from . import permissions
from .history_admin import ReadableHistoryMixin
from .locking import LOCK_FIELD, OptimisticLockFormMixin, OptimisticLockRowMixin

# Foreign keys whose choices are limited to the user's ICSs. Organisations and
# people are shared records: any of them may be chosen (docs/adr/0004), as choosing one
# links it to the user's own ICS and changes nothing of it; it grants no right over it.
SCOPED_TARGETS = {
    "places.integratedcaresystem",
    "places.place",
    "governance.board",
    "governance.meeting",
    "governance.mou",
}


def _is_autocomplete(request) -> bool:
    match = getattr(request, "resolver_match", None)
    return bool(match and match.url_name == "autocomplete")


def is_restoring(request) -> bool:
    """Is this request History → Revert (django-simple-history's form for an old version)?"""
    match = getattr(request, "resolver_match", None)
    return bool(match and match.url_name and match.url_name.endswith("_simple_history"))


_RESTORING_OVER = "_restoring_over"


def restoring_over(instance):
    """The record as it is now, when `instance` is an old version being restored over it; else None.

    A restore goes through the rules of saving the record: what changes is the difference between
    the two (a publish stamp, an ICS's identity), which the forms and services compare.
    """
    return getattr(instance, _RESTORING_OVER, None)


class PreloadedAutocompleteSelect(AutocompleteSelect):
    """An autocomplete that labels its selected value from the already-loaded object.

    Django's widget runs one query per rendered widget to label the selected
    value, so an inline with n rows costs n queries per autocomplete column. The
    inline querysets select_related() their foreign keys; forms hand the loaded
    object to the widget through `preloaded`.
    """

    preloaded: dict | None = None

    def optgroups(self, name, value, attr=None):
        selected = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        if not self.preloaded or not selected or not selected <= set(self.preloaded):
            return super().optgroups(name, value, attr)
        default = (None, [], 0)
        if not self.is_required and not self.allow_multiple_selected:
            default[1].append(self.create_option(name, "", "", False, 0))
        for pk in sorted(selected):
            label = self.choices.field.label_from_instance(self.preloaded[pk])
            default[1].append(self.create_option(name, pk, label, selected, len(default[1])))
        return [default]


class PreloadAutocompleteFormMixin:
    """Give each autocomplete widget the related object select_related() already loaded."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            return
        for name, field in self.fields.items():
            widget = getattr(field.widget, "widget", field.widget)
            if not isinstance(widget, PreloadedAutocompleteSelect):
                continue
            model_field = self.instance._meta.get_field(name)
            if model_field.is_cached(self.instance):
                related = getattr(self.instance, name)
                if related is not None:
                    widget.preloaded = {str(related.pk): related}


def _limit_choices(request, db_field, kwargs):
    related = db_field.related_model
    if related._meta.label_lower in SCOPED_TARGETS and "queryset" not in kwargs:
        kwargs["queryset"] = permissions.visible_to(request.user, related._default_manager.all())
    return kwargs


SHARED_READ_ONLY = (
    "This {name} is shared with another ICS: you may see it and link it to yours, "
    "but only a superuser may change or delete it."
)
ACTION_REFUSED = (
    "Nothing was changed: {refused} of the selected record(s) are not yours to change in this way. "
    "Select only records you may change."
)


# A record's form reads as a clerk works: what it is called first, where its facts come from last.
NAME_FIELDS = ("name", "title")
SOURCE_FIELDS = ("source", "source_url", "source_date", "provenance")
AUDIT_FIELDS = ("created_at", "modified_at")


def in_reading_order(model, fields) -> list:
    """`fields` (a form's, its read-only ones appended) with the name first, then the record's own fields in
    the model's order, then its source fields, provenance and, read-only, when it was created and changed."""
    opts = model._meta
    model_order = {field.name: i for i, field in enumerate(sorted([*opts.concrete_fields, *opts.many_to_many]))}
    name = next((field for field in NAME_FIELDS if field in fields), None)

    def place(item):
        i, field = item
        if field == name:
            return (0, 0)
        if field in SOURCE_FIELDS:
            return (2, SOURCE_FIELDS.index(field))
        if field in AUDIT_FIELDS:
            return (3, AUDIT_FIELDS.index(field))
        return (1, model_order.get(field, len(model_order) + i))

    return [field for _, field in sorted(enumerate(fields), key=place)]


class RefusedByDatabaseFormMixin:
    """A form shown again because the database refused its save: the rule's message on it, so it is not saved.

    `database_refusal` is set per request by AnswersDatabaseRefusals.get_form().
    """

    database_refusal = None

    def _post_clean(self):
        super()._post_clean()
        refused = self.database_refusal
        if refused is not None and refused.message not in {m for errors in self.errors.values() for m in errors}:
            self.add_error(None, refused.message)


def _queued_messages(request) -> list:
    """The messages this request has queued so far (the storage's own list), so that a write the database
    refused at commit does not leave its "saved" message behind."""
    storage = getattr(request, "_messages", None)
    return storage._queued_messages if storage is not None else []


def refused_by_database(request, write):
    """Run `write()` (which commits); if the database refuses it by a rule it knows, forget the messages the
    write queued and return the Refusal, else write()'s result and None."""
    queued = len(_queued_messages(request))
    try:
        return write(), None
    except IntegrityError as error:
        found = database_refusal(error)
        if found is None:
            raise
        del _queued_messages(request)[queued:]
        return None, found


class AnswersDatabaseRefusals:
    """A ModelAdmin whose writes the database refuses (a race two saves ran, a rule checked at commit) answer
    with the rule's message (ics_portal.core.database_rules), never a 500, and with nothing written.

    A refused form is shown again, with what the user entered and the message; its transaction was rolled
    back. Its validation runs again too, so a rule the race made visible (the other save is committed now)
    gets its own message on its field. A refused delete goes back to the record's page with the message.
    """

    def _answering_refusals(self, request, view):
        if request.method != "POST":
            return view()
        response, found = refused_by_database(request, view)
        if found is None:
            return response
        request.database_refusal = found
        return view()  # the form again, with the message; a second refusal is an error

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        view = super().changeform_view
        return self._answering_refusals(request, lambda: view(request, object_id, form_url, extra_context))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        found = getattr(request, "database_refusal", None)
        if found is not None and not issubclass(form, RefusedByDatabaseFormMixin):
            form = type(form.__name__, (RefusedByDatabaseFormMixin, form), {})
        form.database_refusal = found  # the form class is made for this request
        return form

    def delete_view(self, request, object_id, extra_context=None):
        view = super().delete_view
        response, found = refused_by_database(request, lambda: view(request, object_id, extra_context))
        if found is not None:
            self.message_user(request, f"Nothing was deleted: {found.message}", messages.ERROR)
            opts = self.opts
            page = f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change"
            return HttpResponseRedirect(reverse(page, args=[object_id]))
        return response


class StaffModelForm(RefusedByDatabaseFormMixin, OptimisticLockFormMixin, forms.ModelForm):
    """Admin form: optimistic lock on modified_at; the request, for forms that check a rule for its user."""

    request = None  # set per request by StaffAdmin.get_form()


class StaffAdmin(AnswersDatabaseRefusals, ReadableHistoryMixin, SimpleHistoryAdmin):
    """A history-keeping ModelAdmin scoped to the user's ICSs."""

    form = StaffModelForm
    # Shared records (organisations, people) may be chosen in any ICS's forms.
    autocomplete_unscoped = False
    superuser_only_add = False
    list_per_page = 50
    show_full_result_count = False  # one COUNT(*) fewer per changelist
    actions = ()

    # --- scoping ---------------------------------------------------------------------
    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self.autocomplete_unscoped and _is_autocomplete(request):
            return queryset
        return permissions.visible_to(request.user, queryset)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(db_field, request, **_limit_choices(request, db_field, kwargs))

    def has_module_permission(self, request):
        return permissions.is_staff_member(request.user)

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return permissions.is_staff_member(request.user)
        return permissions.can_view(request.user, obj)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return permissions.is_staff_member(request.user)
        return permissions.can_edit(request.user, obj)

    def has_add_permission(self, request):
        if self.superuser_only_add:
            return request.user.is_active and request.user.is_superuser
        return permissions.is_staff_member(request.user)

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return self.has_add_permission(request)
        return permissions.can_delete(request.user, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        obj = getattr(response, "context_data", {}).get("original") if request.method == "GET" else None
        if obj is not None and obj.ics_shared and not self.has_change_permission(request, obj):
            self.message_user(request, SHARED_READ_ONLY.format(name=obj._meta.verbose_name), messages.INFO)
        return response

    # --- forms -------------------------------------------------------------------------
    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None and is_restoring(request):
            # Restoring an old version over the record as it is now (history_form_view loaded it): the
            # lock guards the version saved now, not the old one; the rules compare the two.
            current = getattr(request, _RESTORING_OVER, None)
            setattr(obj, _RESTORING_OVER, current)
            obj._lock_modified_at = current.modified_at if current is not None else None
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request = request
        return form

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "created_at", "modified_at"]

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return fields if self.fields else in_reading_order(self.model, fields)

    def get_prepopulated_fields(self, request, obj=None):
        """A slug is filled in from the record's name as it is typed, unless the admin names another source;
        not where the slug or its source is read-only (not on the form: the admin would fail to find it)."""
        prepopulated = super().get_prepopulated_fields(request, obj)
        names = {field.name for field in self.model._meta.concrete_fields}
        source = next((field for field in NAME_FIELDS if field in names), None)
        if not prepopulated and "slug" in names and source:
            prepopulated = {"slug": (source,)}
        readonly = set(self.get_readonly_fields(request, obj))
        return {field: sources for field, sources in prepopulated.items() if readonly.isdisjoint((field, *sources))}

    def save_model(self, request, obj, form, change):
        # The record as stored and as it will be saved must both be the user's: nothing moves
        # out of, or into, another ICS (for a restore, the stored record is the one it replaces).
        if not permissions.can_change(request.user, obj, before=restoring_over(obj)):
            raise PermissionDenied
        if change and is_restoring(request):
            self.save_restored(request, obj)
        else:
            super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        # Inline rows are limited to the user's ICSs by their querysets and choices; each row saved
        # is asked again, so no inline writes what its own page would refuse.
        user = request.user
        for row in formset.forms:
            if not row.has_changed() or not hasattr(row, "cleaned_data"):
                continue
            deleting = formset.can_delete and formset._should_delete_form(row)
            allowed = permissions.can_delete if deleting else permissions.can_edit
            if row.instance.pk is not None or not deleting:
                if not allowed(user, row.instance):
                    raise PermissionDenied
        super().save_formset(request, form, formset, change)

    # --- bulk actions ---------------------------------------------------------------------
    def get_action(self, action):
        found = super().get_action(action)
        if found is None:
            return None
        func, name, description = found
        return self._all_or_nothing(func, name), name, description

    def get_actions(self, request):
        # The site's actions (delete_selected) do not pass through get_action().
        actions = super().get_actions(request)
        return {
            name: (self._all_or_nothing(func, name), name, description)
            for name, (func, _, description) in actions.items()
        }

    def may_apply_action(self, request, name: str, obj) -> bool:
        """May the user apply the action `name` to `obj`? Deleting asks can_delete; others can_edit."""
        if name == "delete_selected":
            return self.has_delete_permission(request, obj)
        return self.has_change_permission(request, obj)

    def _all_or_nothing(self, func, name):
        """The action, refused as a whole when the selection holds a record the user may not act on.

        The changelist offers only the user's records, so a selection naming another (another ICS's
        record by a forged id, a shared record linked to another ICS) does nothing at all.
        """

        if getattr(func, "all_or_nothing", False):
            return func

        @functools.wraps(func)
        def action(modeladmin, request, queryset):
            rows = list(queryset)  # the action reuses these rows: no second query
            selected = {str(pk) for pk in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)}
            across = request.POST.get("select_across") == "1"
            unknown = 0 if across else len(selected - {str(row.pk) for row in rows})
            refused = unknown + sum(not modeladmin.may_apply_action(request, name, row) for row in rows)
            if refused:
                modeladmin.message_user(request, ACTION_REFUSED.format(refused=refused), messages.ERROR)
                return None

            # One transaction: a rule the database checks at commit (the last signatory of a signed MoU
            # deleted with another) refuses the whole selection, with its message.
            def apply():
                with transaction.atomic(using=router.db_for_write(modeladmin.model)):
                    return func(modeladmin, request, queryset)

            response, found = refused_by_database(request, apply)
            if found is not None:
                modeladmin.message_user(request, f"Nothing was changed: {found.message}", messages.ERROR)
            return response

        action.all_or_nothing = True
        return action

    # --- restoring an old version (History → Revert) --------------------------------------------
    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """An old version, decided on the record as it is now AND on the version.

        Opening it needs the right to see the record now (simple-history then asks the same of the
        version); restoring it, the right to change the record now, and save_model() asks for the
        version as it will be saved. A record that no longer exists is not restored from here.
        """
        current = self.get_object(request, unquote(object_id))
        if current is None or not self.has_view_permission(request, current):
            raise PermissionDenied
        posting = request.method == "POST"
        if posting and not self.has_change_permission(request, current):
            raise PermissionDenied
        setattr(request, _RESTORING_OVER, current)
        # simple-history hands the class's prepopulated_fields to the form, which fails on a field the
        # user may not change (an ICS's slug): a restore fills its values from the version, so none.
        view = copy.copy(self)
        view.prepopulated_fields = {}
        restore = super(StaffAdmin, view).history_form_view
        if not posting:
            return restore(request, object_id, version_id, extra_context)

        # A restore is a write like any other: its form's lock check (SELECT … FOR UPDATE) and
        # its save share one transaction, as the change form's do.
        def restore_in_one_transaction():
            with transaction.atomic(using=router.db_for_write(self.model)):
                return restore(request, object_id, version_id, extra_context)

        return self._answering_refusals(request, restore_in_one_transaction)

    def save_restored(self, request, obj):
        """Save an old version as the newest. Admins of records whose restore carries a rule hand it
        to their service (e.g. an MoU signed or in force needs a signatory on record)."""
        super().save_model(request, obj, None, True)


class StaffInlineMixin:
    """Inlines show and accept only rows of the user's ICSs; rights follow the parent record.

    Rows come with their foreign keys joined, and autocompletes label them from
    those joins, so an inline costs the same number of queries for 1 row or 100.
    """

    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        queryset = permissions.visible_to(request.user, super().get_queryset(request))
        relations = [field.name for field in self.model._meta.fields if field.is_relation]
        return queryset.select_related(*relations)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **_limit_choices(request, db_field, kwargs))
        widget = getattr(formfield.widget, "widget", formfield.widget) if formfield else None
        if type(widget) is AutocompleteSelect:
            widget.__class__ = PreloadedAutocompleteSelect
        return formfield

    def get_fields(self, request, obj=None):
        # Each row carries the stamp of the version loaded, as a change form does; none when read-only.
        fields = [name for name in super().get_fields(request, obj) if name != LOCK_FIELD]
        return [*fields, LOCK_FIELD] if self.has_change_permission(request, obj) else fields

    def get_formset(self, request, obj=None, **kwargs):
        locked = type(self.form.__name__, (OptimisticLockRowMixin, self.form), {})
        formset = super().get_formset(request, obj, **{"form": locked, **kwargs})
        formset.form = type(formset.form.__name__, (PreloadAutocompleteFormMixin, formset.form), {})
        return formset

    def _parent_ok(self, request, obj):
        if obj is None:
            return permissions.is_staff_member(request.user)
        return permissions.can_edit(request.user, obj)

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return permissions.is_staff_member(request.user)
        return permissions.can_view(request.user, obj)

    def has_change_permission(self, request, obj=None):
        return self._parent_ok(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._parent_ok(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._parent_ok(request, obj)


class StaffTabularInline(StaffInlineMixin, admin.TabularInline):
    pass


class StaffStackedInline(StaffInlineMixin, admin.StackedInline):
    pass


def one_at_a_time_formset(key: str, message: str):
    """An inline formset that refuses, with `message`, two rows of one submit with the same `key` (a field's
    attname, e.g. "place_id") whose dates share a day: core.models.one_at_a_time's rule, which each row's form
    checks only against the rows on record, so two new rows would otherwise reach the database together."""

    class OneAtATimeFormSet(forms.BaseInlineFormSet):
        def clean(self):
            super().clean()
            rows = [
                form.instance
                for form in self.forms
                if getattr(form, "cleaned_data", None) and not self._should_delete_form(form)
            ]
            for i, row in enumerate(rows):
                if any(getattr(row, key) == getattr(other, key) and row.overlaps(other) for other in rows[i + 1 :]):
                    raise forms.ValidationError(message, code="overlap")

    return OneAtATimeFormSet
