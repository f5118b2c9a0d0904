"""The one place the admin learns who may see and change what.

Every ModelAdmin in places/, partners/ and governance/ derives from `StaffAdmin`
and every inline from `StaffInlineMixin`. Rights come from `staff.permissions`
(StaffRole rows), not from Django's per-model permissions: a staff user needs
`is_staff` to reach the admin and a role in an ICS to see anything in it.

The rules some records carry (publishing, an MoU's signatories, one chair at a
time) are stated in their app's services (governance/services.py): the app's
admin classes ask them, in form validation so the message lands on the form, and
write through them.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.db import router, transaction
from simple_history.admin import SimpleHistoryAdmin

from . import permissions
from .locking import OptimisticLockFormMixin

# Foreign keys whose choices are limited to the user's ICSs. Organisations and
# people are shared records: any of them may be chosen (docs/adr/0004).
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


class StaffModelForm(OptimisticLockFormMixin, forms.ModelForm):
    """Admin form: optimistic lock on modified_at; the request, for forms that check a rule for its user."""

    request = None  # set per request by StaffAdmin.get_form()


class StaffAdmin(SimpleHistoryAdmin):
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
        return permissions.can_edit(request.user, obj)

    def has_change_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def has_add_permission(self, request):
        if self.superuser_only_add:
            return request.user.is_active and request.user.is_superuser
        return permissions.is_staff_member(request.user)

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return self.has_add_permission(request)
        return permissions.can_delete(request.user, obj)

    # --- forms -------------------------------------------------------------------------
    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None and is_restoring(request):
            # Restoring an old version: the lock guards the version saved now, not the old one.
            obj._lock_modified_at = (
                type(obj)._default_manager.filter(pk=obj.pk).values_list("modified_at", flat=True).first()
            )
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request = request
        return form

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "created_at", "modified_at"]

    def save_model(self, request, obj, form, change):
        if change and not self.get_queryset(request).filter(pk=obj.pk).exists():
            raise PermissionDenied
        if not permissions.can_edit(request.user, obj):
            raise PermissionDenied
        if change and is_restoring(request):
            self.save_restored(request, obj)
        else:
            super().save_model(request, obj, form, change)

    # --- restoring an old version (History → Revert) --------------------------------------------
    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "POST":
            return super().history_form_view(request, object_id, version_id, extra_context)
        # A restore is a write like any other: its form's lock check (SELECT … FOR UPDATE) and
        # its save share one transaction, as the change form's do.
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().history_form_view(request, object_id, version_id, extra_context)

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

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = type(formset.form.__name__, (PreloadAutocompleteFormMixin, formset.form), {})
        return formset

    def _parent_ok(self, request, obj):
        if obj is None:
            return permissions.is_staff_member(request.user)
        return permissions.can_edit(request.user, obj)

    def has_view_permission(self, request, obj=None):
        return self._parent_ok(request, obj)

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
