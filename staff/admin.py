"""Admin for staff roles: only superusers grant and withdraw them. Granting one makes its user staff."""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group, Permission
from simple_history.admin import SimpleHistoryAdmin

from partners.services import NATIONAL_PERMISSION

from . import jobs_admin  # noqa: F401  (registers Background jobs)
from .admin_mixins import AnswersDatabaseRefusals
from .models import StaffRole
from .services import staff_role_save

admin.site.site_header = admin.site.site_title = admin.site.index_title = "ICS Portal staff"


@admin.register(StaffRole)
class StaffRoleAdmin(AnswersDatabaseRefusals, SimpleHistoryAdmin):
    list_display = ("user", "ics", "role", "modified_at")
    list_filter = ("role", "ics")
    list_select_related = ("user", "ics")
    search_fields = ("user__username", "user__email", "ics__short_name")
    autocomplete_fields = ("user", "ics")

    def _superuser(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    has_module_permission = has_view_permission = has_change_permission = _superuser
    has_add_permission = has_delete_permission = _superuser

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        staff_role_save(role=obj)


class StaffRoleInline(admin.TabularInline):
    model = StaffRole
    extra = 0
    autocomplete_fields = ("ics",)
    fields = ("ics", "role")


admin.site.unregister(get_user_model())
admin.site.unregister(Group)  # nothing here uses groups: roles grant rights


def _national_permission():
    app_label, codename = NATIONAL_PERMISSION.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


class PortalUserChangeForm(UserChangeForm):
    """The user's page, with the one right not tied to an ICS: the national role (the ODS review queue)."""

    national_reviewer = forms.BooleanField(
        label="National reviewer",
        required=False,
        help_text="May accept or reject the changes to organisations the ODS sync proposes (national records).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["national_reviewer"].initial = self.instance.user_permissions.filter(
                pk=_national_permission().pk
            ).exists()

    def save_national_role(self):
        permission = _national_permission()
        if self.cleaned_data["national_reviewer"]:
            self.instance.user_permissions.add(permission)
        else:
            self.instance.user_permissions.remove(permission)


@admin.register(get_user_model())
class PortalUserAdmin(AnswersDatabaseRefusals, UserAdmin):
    """Django's user admin, with the user's ICS roles on the same page.

    Roles, not Django's groups and per-model permissions, are what grant rights here
    (docs/adr/0004), so the user's page offers no groups or permissions to pick.
    """

    form = PortalUserChangeForm
    inlines = (*UserAdmin.inlines, StaffRoleInline)
    list_filter = ("is_staff", "is_superuser", "is_active", "staff_roles__role")
    filter_horizontal = ()
    fieldsets = (
        *UserAdmin.fieldsets[:2],
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "national_reviewer")}),
        *UserAdmin.fieldsets[3:],
    )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if isinstance(form, PortalUserChangeForm):
            form.save_national_role()

    def save_formset(self, request, form, formset, change):
        if formset.model is not StaffRole:
            return super().save_formset(request, form, formset, change)
        roles = formset.save(commit=False)
        for role in formset.deleted_objects:
            role.delete()
        for role in roles:
            staff_role_save(role=role)
        return None
