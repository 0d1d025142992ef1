"""Print where the desk listens and the demo accounts' logins (what `make run` shows a newcomer)."""

import json

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Print the desk's address and the demo logins saved by load_demo."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--address", default="http://127.0.0.1:8000/")

    def handle(self, *args, address, **options) -> None:
        logins_file = settings.DATA_DIR / "demo-logins.json"
        logins = json.loads(logins_file.read_text()) if logins_file.exists() else {}
        base = address.rstrip("/")
        lines = [
            "",
            f"  The desk:        {base}/desk/",
            f"  Public site:     {base}/",
            f"  API docs:        {base}/api/docs/",
            f"  Admin:           {base}/admin/",
            "",
            "  Demo logins (saved in data/demo-logins.json):",
        ]
        lines += [f"    {user:<9} {secret}" for user, secret in logins.items()]
        if not logins:
            lines.append("    none saved; run `python manage.py load_demo --password ...` to set them")
        self.stdout.write("\n".join(lines) + "\n")
