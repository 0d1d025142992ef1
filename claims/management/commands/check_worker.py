"""Liveness probe for a Celery worker: exits 0 while the worker makes progress, 1 when it is stuck or gone.

Meant for an orchestrator's exec probe on the worker's machine or container (docs/deploy.md, "Worker liveness").
"""

import socket

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from project.liveness import liveness_file, seconds_since_alive


class Command(BaseCommand):
    # A probe runs often, under load: skip the system checks (they import every view).
    requires_system_checks = []
    help = "Exit 0 if the named Celery worker showed progress recently, 1 if not (a liveness probe)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--name",
            default=f"celery@{socket.gethostname()}",
            help="the worker's node name, as given to `celery worker -n` (default: celery@HOSTNAME)",
        )
        parser.add_argument(
            "--max-age",
            type=float,
            default=3 * settings.WORKER_LIVENESS_SECONDS,
            help="seconds without progress after which the worker counts as stuck",
        )

    def handle(self, *args, name, max_age, **options) -> None:
        path = liveness_file(name)
        age = seconds_since_alive(path)
        if age is None:
            raise CommandError(f"worker {name} is not running (no {path})")
        if age > max_age:
            raise CommandError(f"worker {name} is stuck: no progress for {age:.0f} s (limit {max_age:.0f} s)")
        self.stdout.write(f"worker {name} is alive: progress {age:.0f} s ago")
