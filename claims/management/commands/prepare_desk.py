"""`make run`'s set-up in one process: migrate, load the demo desk, print where it listens and the logins.

Each manage.py command starts Django anew (a few seconds of imports on a small machine); one process pays that
once. `make run` collects the static files at the same time, in a process of its own.
"""

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Migrate, load the demo desk (safe to run twice) and print its address and demo logins."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--address", default="http://127.0.0.1:8000/")

    def handle(self, *args: Any, address: str, verbosity: int = 1, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=verbosity, stdout=self.stdout, stderr=self.stderr)
        call_command("load_demo", verbosity=verbosity, stdout=self.stdout, stderr=self.stderr)
        call_command("demo_logins", address=address, stdout=self.stdout, stderr=self.stderr)
