"""Integrated care systems, the stages they went through, and the places inside them."""

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Prefetch, Q
from simple_history.models import HistoricalRecords

from ics_portal.core.models import DatedModel, DatedQuerySet, IcsOwned, PortalModel
from ics_portal.core.reverse import fast_reverse

ICB_ODS_CODE = r"^Q[A-Z0-9]{2}$"
SUB_ICB_ODS_CODE = r"^([0-9]{2}[A-Z]|[A-Z0-9]{5})$"
ICB_GSS_CODE = r"^E54[0-9]{6}$"
SUB_ICB_GSS_CODE = r"^E38[0-9]{6}$"


class Region(models.TextChoices):
    """NHS England regions, keyed by their ODS codes."""

    LONDON = "Y56", "London"
    SOUTH_WEST = "Y58", "South West"
    SOUTH_EAST = "Y59", "South East"
    MIDLANDS = "Y60", "Midlands"
    EAST_OF_ENGLAND = "Y61", "East of England"
    NORTH_WEST = "Y62", "North West"
    NORTH_EAST_AND_YORKSHIRE = "Y63", "North East and Yorkshire"


class IntegratedCareSystemQuerySet(models.QuerySet):
    def for_api(self):
        """The API's ICS list and detail: each ICS with its stage history."""
        return self.prefetch_related(Prefetch("stages", queryset=IcsStage.objects.order_by("start_date", "pk")))

    def for_home(self):
        """The home page: every ICS with its stages, so the page can name the stage each was at on a day."""
        return self.order_by("short_name").prefetch_related(
            Prefetch("stages", queryset=IcsStage.objects.order_by("start_date"))
        )


class IntegratedCareSystem(IcsOwned, PortalModel):
    """An integrated care system: the partnership that grew out of an STP.

    Identified by its ICB's ODS code, which carried over from the STP.
    """

    ics_path = "pk"  # Its own ICS: its staff edit it, only superusers add or delete one.

    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=100, help_text="Everyday name, e.g. 'West Yorkshire'.")
    slug = models.SlugField(max_length=100, unique=True)
    icb_ods_code = models.CharField(
        "ICB ODS code",
        max_length=3,
        unique=True,
        null=True,
        blank=True,
        validators=[RegexValidator(ICB_ODS_CODE, "An ICB ODS code is Q and two letters or digits, e.g. QWO.")],
    )
    gss_code = models.CharField(
        "ONS code",
        max_length=9,
        blank=True,
        validators=[RegexValidator(ICB_GSS_CODE, "An ICB ONS code is E54 and six digits, e.g. E54000054.")],
    )
    region = models.CharField("NHS England region", max_length=3, choices=Region.choices)
    population = models.PositiveIntegerField(null=True, blank=True)
    annual_budget = models.PositiveBigIntegerField(null=True, blank=True, help_text="Pounds a year.")
    website = models.URLField(blank=True)
    description = models.TextField(blank=True)

    history = HistoricalRecords()
    objects = IntegratedCareSystemQuerySet.as_manager()

    class Meta:
        verbose_name = "integrated care system"
        ordering = ["short_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(icb_ods_code__isnull=True) | Q(icb_ods_code__regex=ICB_ODS_CODE),
                name="places_ics_icb_ods_code_format",
                violation_error_message="An ICB ODS code is Q and two letters or digits, e.g. QWO.",
            ),
            models.CheckConstraint(
                condition=Q(gss_code="") | Q(gss_code__regex=ICB_GSS_CODE),
                name="places_ics_gss_code_format",
                violation_error_message="An ICB ONS code is E54 and six digits, e.g. E54000054.",
            ),
        ]

    def __str__(self):
        return self.short_name

    def get_absolute_url(self):
        return fast_reverse("site:ics_detail", slug=self.slug)


class IcsStage(IcsOwned, DatedModel):
    """A stage in an ICS's life (STP, shadow ICS, ICS, statutory ICS), with the name and ONS code it had then."""

    class Stage(models.TextChoices):
        STP = "stp", "Sustainability and transformation partnership"
        SHADOW_ICS = "shadow_ics", "Shadow integrated care system"
        ICS = "ics", "Integrated care system"
        STATUTORY_ICS = "statutory_ics", "Statutory integrated care system"

    ics_path = "ics"

    ics = models.ForeignKey(IntegratedCareSystem, on_delete=models.CASCADE, related_name="stages")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    name_then = models.CharField(max_length=200, blank=True, help_text="What the partnership was called at this stage.")
    gss_code_then = models.CharField("ONS code then", max_length=9, blank=True)
    note = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta(DatedModel.Meta):
        ordering = ["ics", "start_date"]
        constraints = [
            *DatedModel.Meta.constraints,
            models.UniqueConstraint(fields=["ics", "stage"], name="places_icsstage_one_of_each"),
        ]

    def __str__(self):
        return f"{self.ics}: {self.get_stage_display()}"


class PlaceQuerySet(DatedQuerySet):
    def for_api(self):
        """The API's place list and detail: the ICS gives the slug and the page URL."""
        return self.select_related("ics")


class Place(IcsOwned, DatedModel):
    """A local footprint inside an ICS, usually one local authority's area.

    From July 2022 places follow the sub-ICB locations, which kept their CCG's
    ODS code; a place that moved ICS has one row per ICS it belonged to.
    """

    ics_path = "ics"

    ics = models.ForeignKey(IntegratedCareSystem, on_delete=models.PROTECT, related_name="places")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, help_text="Unique within its ICS.")
    ods_code = models.CharField(
        "sub-ICB location ODS code",
        max_length=5,
        blank=True,
        validators=[RegexValidator(SUB_ICB_ODS_CODE, "A sub-ICB location code is like 15F or W2U3Z.")],
    )
    gss_code = models.CharField(
        "ONS code",
        max_length=9,
        blank=True,
        validators=[RegexValidator(SUB_ICB_GSS_CODE, "A sub-ICB location ONS code is E38 and six digits.")],
    )
    population = models.PositiveIntegerField(null=True, blank=True)
    local_authorities = models.CharField(max_length=300, blank=True, help_text="Councils whose area the place covers.")
    place_lead = models.CharField(max_length=200, blank=True)

    history = HistoricalRecords()
    objects = PlaceQuerySet.as_manager()

    class Meta(DatedModel.Meta):
        ordering = ["name"]
        constraints = [
            *DatedModel.Meta.constraints,
            models.UniqueConstraint(fields=["ics", "slug"], name="places_place_unique_slug_in_ics"),
            models.CheckConstraint(
                condition=Q(ods_code="") | Q(ods_code__regex=SUB_ICB_ODS_CODE),
                name="places_place_ods_code_format",
                violation_error_message="A sub-ICB location code is like 15F or W2U3Z.",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return fast_reverse("site:place_detail", ics_slug=self.ics.slug, slug=self.slug)
