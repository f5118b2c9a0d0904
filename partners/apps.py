from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = "Partner organisations"

    def ready(self):
        from places.services import register_ends_with_ics

        from .models import Partnership

        # A reorganisation ends an abolished ICS's partnerships the day before (places.services).
        register_ends_with_ics(
            Partnership, label="partnerships", place_path="place", related=("organisation", "ics", "place")
        )
