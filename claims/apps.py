from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Fact desk"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The services that register themselves as proposable (services/workflow.py): a correction approved in any
        # process, a command included, finds the service it replays.
        from claims.services import claims, sources  # noqa: F401

        self._connect_receivers()
        self._watch_writes()

    def _connect_receivers(self) -> None:
        """Who listens to what happens on the desk (claims/services/events.py): the inbox and mail, and webhooks.
        dispatch_uid keeps a second ready() (a test re-importing the app) from connecting them twice."""
        from claims.services import events, notifications, requests, webhooks

        for signal, receiver in (
            (events.assigned, notifications.on_assigned),
            (events.mentioned, notifications.on_mentioned),
            (events.status_changed, notifications.on_status_changed),
            (events.source_changed, notifications.on_source_changed),
            (events.similar_found, notifications.on_similar_found),
            (events.reminder, notifications.on_reminder),
            (events.status_changed, webhooks.on_status_changed),
            (events.status_changed, requests.on_status_changed),
            (events.verdict_changed, webhooks.on_verdict_changed),
        ):
            signal.connect(receiver, weak=False, dispatch_uid=f"{receiver.__module__}.{receiver.__name__}")

    def _watch_writes(self) -> None:
        """Every database connection moves the desk's write generations after a write (claims/write_generation.py):
        the cached API lists and token look-ups then never outlive a change, whoever made it."""
        from django.db.backends.signals import connection_created

        from claims import write_generation

        connection_created.connect(
            lambda sender, connection, **kwargs: write_generation.install(connection),
            weak=False,
            dispatch_uid="claims.write_generation.install",
        )
