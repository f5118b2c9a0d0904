from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "Governance"

    def ready(self):
        from places.services import register_ends_with_ics

        from .models import Board, BoardMembership

        # A reorganisation ends an abolished ICS's boards, and the seats on them, the day before (places.services).
        register_ends_with_ics(Board, label="boards", place_path="place", related=("ics", "place"))
        register_ends_with_ics(
            BoardMembership,
            label="board memberships",
            ics_path="board__ics",
            place_path="board__place",
            related=("person", "board"),
        )
