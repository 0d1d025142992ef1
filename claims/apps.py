from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Fact desk"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The services that register themselves as proposable (services/workflow.py): a correction approved in any
        # process, a command included, finds the service it replays.
        from claims.services import claims, sources  # noqa: F401
