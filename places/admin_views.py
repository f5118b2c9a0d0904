"""Record a reorganisation (a merger, boundary change or acquisition) in one admin form: preview, then apply.

Superusers only: England's structure is recorded nationally. The rules are places.services'
(`reorganisation_plan`, `reorganisation_apply`); this module turns the form into their arguments and
their refusals into messages on the form's fields.
"""

from django import forms
from django.contrib import messages
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models.functions import Lower
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from . import services
from .models import IntegratedCareSystem, Place, Region

NEW_FIELDS = ("name", "short_name", "slug", "icb_ods_code", "gss_code", "region")
SOURCE_FIELDS = ("source", "source_url", "source_date")


class ReorganisationForm(forms.Form):
    date = forms.DateField(widget=AdminDateWidget, help_text="The first day of the new arrangement, e.g. 2027-04-01.")
    predecessors = forms.ModelMultipleChoiceField(
        queryset=IntegratedCareSystem.objects.order_by(Lower("short_name")),
        widget=forms.CheckboxSelectMultiple,
        help_text="The ICSs whose area passes on.",
    )
    continuing = forms.ModelMultipleChoiceField(
        queryset=IntegratedCareSystem.objects.order_by(Lower("short_name")),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Predecessors that continue",
        help_text="Tick a predecessor that keeps some of its places (a boundary change). "
        "Every other predecessor is abolished the day before.",
    )
    successor = forms.ModelChoiceField(
        queryset=IntegratedCareSystem.objects.order_by(Lower("short_name")),
        required=False,
        label="Existing successor",
        help_text="For an acquisition: the existing ICS that takes the area. Leave empty to create a new ICS below.",
    )
    name = forms.CharField(required=False, label="New ICS: name")
    short_name = forms.CharField(required=False, label="New ICS: short name")
    slug = forms.SlugField(required=False, label="New ICS: slug")
    icb_ods_code = forms.CharField(required=False, label="New ICS: ICB ODS code")
    gss_code = forms.CharField(required=False, label="New ICS: ONS code")
    region = forms.ChoiceField(choices=[("", "---------"), *Region.choices], required=False, label="New ICS: region")
    places = forms.ModelMultipleChoiceField(
        queryset=Place.objects.order_by(Lower("name")),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text="The places that move. Leave empty for every place the predecessors held the day before.",
    )
    end_linked_records = forms.ChoiceField(
        choices=[
            ("end", "End them the day before"),
            ("keep", "Leave them as they are (to end or move by hand)"),
        ],
        initial="end",
        widget=forms.RadioSelect,
        label="Boards and partnerships of ICSs that end",
        help_text="Also those at a place leaving an ICS that continues. They are never moved to the successor.",
    )
    source = forms.CharField(required=False, max_length=300)
    source_url = forms.URLField(required=False, max_length=500, label="Source link", assume_scheme="https")
    source_date = forms.DateField(required=False, widget=AdminDateWidget, label="Source as at")

    def clean(self):
        cleaned = super().clean()
        new = any(cleaned.get(name) for name in NEW_FIELDS)
        if cleaned.get("successor") and new:
            raise ValidationError("Choose an existing successor or fill in a new ICS, not both.")
        return cleaned

    def plan_arguments(self) -> dict:
        data = self.cleaned_data
        new_successor = None
        if not data.get("successor"):
            new_successor = IntegratedCareSystem(**{name: data.get(name) or "" for name in NEW_FIELDS})
            new_successor.icb_ods_code = data.get("icb_ods_code") or None
        return {
            "day": data["date"],
            "predecessors": list(data["predecessors"]),
            "continuing": list(data.get("continuing") or ()),
            "successor": data.get("successor"),
            "new_successor": new_successor,
            "places": list(data["places"]) or None,
            "end_linked_records": data.get("end_linked_records", "end") == "end",
            "source": {name: data.get(name) or ("" if name != "source_date" else None) for name in SOURCE_FIELDS},
        }

    def add_refusal(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, messages_ in error.message_dict.items():
            target = name if name in self.fields else None
            if name == "start_date":
                target = "date"
            for message in messages_:
                self.add_error(target, message)


def reorganisation_view(admin, request):
    """Preview writes nothing; apply checks again and writes all of it or none."""
    if not (request.user.is_active and request.user.is_superuser):
        raise PermissionDenied
    context = {
        **admin.admin_site.each_context(request),
        "opts": IntegratedCareSystem._meta,
        "title": "Record a reorganisation",
    }
    form = ReorganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        arguments = form.plan_arguments()
        if "apply" in request.POST:
            try:
                with transaction.atomic():
                    plan = services.reorganisation_apply(user=request.user, **arguments)
            except ValidationError as error:
                form.add_refusal(error)
            except (IntegrityError, DatabaseError) as error:
                reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
                form.add_error(None, f"The database refused the reorganisation, and nothing was written: {reason}")
            else:
                successor = plan.successor
                ended = ", ".join(str(ics) for ics in plan.ending) or "none"
                admin.message_user(
                    request,
                    f"Recorded: {len(plan.moves)} place(s) move to {successor} on {plan.day:%-d %B %Y}; "
                    f"ICSs ending: {ended}.",
                    messages.SUCCESS,
                )
                return redirect(reverse("admin:places_integratedcaresystem_change", args=[successor.pk]))
        else:
            try:
                context["plan"] = services.reorganisation_plan(**arguments)
            except ValidationError as error:
                form.add_refusal(error)
    context["form"] = form
    return TemplateResponse(request, "admin/places/integratedcaresystem/reorganisation.html", context)
