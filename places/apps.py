from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "places"
    verbose_name = "Systems and places"

    def ready(self):
        from ics_portal.core.database_rules import register_trigger_rule

        # The deferred triggers of migration 0005, checked at commit (their messages when a write reaches them).
        register_trigger_rule(
            "places_succession_within_lives",
            "A succession is dated within both ICSs' lives: the predecessor existed the day before it, "
            "the successor on the day.",
        )
        register_trigger_rule(
            "places_cluster_members_exist",
            "A cluster's member ICSs must exist for all of the cluster's dates.",
        )
