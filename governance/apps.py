from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "Governance"

    def ready(self):
        from ics_portal.core.database_rules import register_trigger_rule
        from places.services import register_ends_with_ics

        from .models import Board, BoardMembership
        from .services import MOU_NEEDS_SIGNATORY

        # The deferred trigger of migration 0002, checked at commit.
        register_trigger_rule("governance_mou_signed_needs_signatory", MOU_NEEDS_SIGNATORY)

        # A reorganisation ends an abolished ICS's boards, and the seats on them, the day before (places.services).
        register_ends_with_ics(Board, label="boards", place_path="place", related=("ics", "place"))
        register_ends_with_ics(
            BoardMembership,
            label="board memberships",
            ics_path="board__ics",
            place_path="board__place",
            related=("person", "board"),
        )
