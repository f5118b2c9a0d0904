"""Staff admin for ICSs, their stages and places (scoped by staff.admin_mixins)."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied

from staff.admin_mixins import StaffAdmin, StaffModelForm, StaffTabularInline, restoring_over

from . import services
from .models import IcsStage, IntegratedCareSystem, Place


class IntegratedCareSystemForm(StaffModelForm):
    """Restoring an old version puts back its identity fields too, read-only or not: only a superuser may."""

    def _post_clean(self):
        super()._post_clean()
        before = restoring_over(self.instance)
        if before is None or self.request is None:
            return
        try:
            services.ics_identity_check(user=self.request.user, ics=self.instance, before=before)
        except PermissionDenied as refusal:
            self.add_error(None, f"This version has another identity than the ICS now. {refusal}")


class IcsStageInline(StaffTabularInline):
    model = IcsStage
    fields = ("stage", "name_then", "gss_code_then", "start_date", "end_date", "note", "provenance")


class PlaceInline(StaffTabularInline):
    model = Place
    fields = ("name", "slug", "ods_code", "start_date", "end_date")
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False  # Places have their own page, with history.

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(IntegratedCareSystem)
class IntegratedCareSystemAdmin(StaffAdmin):
    list_display = ("short_name", "icb_ods_code", "gss_code", "region", "population", "provenance", "modified_at")
    list_filter = ("region", "provenance")
    search_fields = ("name", "short_name", "icb_ods_code", "gss_code", "slug")
    prepopulated_fields = {"slug": ("short_name",)}
    inlines = (IcsStageInline, PlaceInline)
    superuser_only_add = True
    form = IntegratedCareSystemForm

    def get_readonly_fields(self, request, obj=None):
        # An ICS's identity (names in URLs, national codes) is set nationally, by superusers (places.services).
        readonly = super().get_readonly_fields(request, obj)
        if obj is not None and not services.may_change_identity(user=request.user):
            readonly = [*readonly, *services.ICS_IDENTITY_FIELDS]
        return readonly

    def get_prepopulated_fields(self, request, obj=None):
        if obj is not None and not services.may_change_identity(user=request.user):
            return {}
        return super().get_prepopulated_fields(request, obj)

    def save_restored(self, request, obj):
        # The form has asked ics_identity_check() of these values, in this transaction.
        services.ics_restore(ics=obj, user=request.user, before=restoring_over(obj), validated=True)


@admin.register(IcsStage)
class IcsStageAdmin(StaffAdmin):
    list_display = ("ics", "stage", "name_then", "start_date", "end_date")
    list_filter = ("stage", ("ics", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("ics",)
    search_fields = ("name_then", "ics__short_name", "gss_code_then")
    autocomplete_fields = ("ics",)
    date_hierarchy = "start_date"


@admin.register(Place)
class PlaceAdmin(StaffAdmin):
    list_display = ("name", "ics", "ods_code", "gss_code", "population", "start_date", "end_date", "provenance")
    list_filter = (("ics", admin.RelatedOnlyFieldListFilter), "provenance")
    list_select_related = ("ics",)
    search_fields = ("name", "slug", "ods_code", "gss_code", "local_authorities", "ics__short_name")
    autocomplete_fields = ("ics",)
    prepopulated_fields = {"slug": ("name",)}
