"""Import ClaimReview records (schema.org JSON-LD or a Fact Check Tools claims:search response) from a file."""

import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from claims.services.claimreview import import_claimreview, outcome_counts


class Command(BaseCommand):
    help = "Import another desk's ClaimReview records as researching claims; prints one line per record."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="A JSON file: ClaimReview JSON-LD (one, a list or @graph) or claims:search.")
        parser.add_argument("--user", required=True, help="The desk member the import is recorded as.")

    def handle(self, *args, file, user, **options) -> None:
        try:
            with open(file, encoding="utf-8-sig") as handle:
                data = json.load(handle)
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        by = get_user_model().objects.filter(username=user).first()
        if by is None:
            raise CommandError(f"No user named {user!r}.")
        outcomes = import_claimreview(data=data, by=by)
        for outcome in outcomes:
            detail = outcome.reason or f"claim #{outcome.claim} verdict={outcome.verdict or '-'}"
            self.stdout.write(f"{outcome.position}\t{outcome.outcome}\t{detail}")
        counts = outcome_counts(outcomes)
        self.stdout.write(", ".join(f"{n} {name}" for name, n in counts.items()))
