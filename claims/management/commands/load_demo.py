"""Load the demo desk: the Arabic demo article, its claims, entities, sources, statuses, and the demo accounts.

Idempotent: a second run finds the demo article (by its text's hash) and changes nothing.
"""

import hashlib
import json
import secrets
from argparse import ArgumentParser
from datetime import date
from importlib import resources
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand
from django.db import transaction

from claims.demo import desk
from claims.models import ArticleRevision, Claim, Entity
from claims.services.articles import create_article
from claims.services.claims import create_claim, update_claim
from claims.services.proposals import propose_claims
from claims.services.roles import ensure_role_groups
from claims.services.series import add_member, create_series
from claims.services.sources import add_evidence, find_or_create_source
from claims.services.workflow import transition_claim
from claims.workflow import Role

ACCOUNTS = (("editor", Role.EDITOR), ("reviewer", Role.REVIEWER), ("admin", Role.ADMIN))


def demo_text() -> str:
    return resources.files("claims.demo").joinpath("haftar-russia.ar.txt").read_text(encoding="utf-8")


class Command(BaseCommand):
    help = "Load the demo article, its 13 claims and the editor/reviewer/admin accounts (safe to run twice)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--password",
            help="Password for all three demo accounts (default: random, saved "
            "in DATA_DIR/demo-logins.json and printed by make run).",
        )

    def handle(self, *args: Any, password: str | None = None, **options: Any) -> None:
        users = self.ensure_accounts(password)
        text = demo_text()
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        if ArticleRevision.objects.filter(sha256=digest, article__title=desk.ARTICLE["title"]).exists():
            self.stdout.write("The demo desk is already loaded; nothing changed.")
            return
        with transaction.atomic():
            self.load(text, users)
        self.stdout.write(self.style.SUCCESS(f"Loaded the demo article with {len(desk.CLAIMS)} claims."))

    def ensure_accounts(self, password: str | None) -> dict[str, User]:
        groups = ensure_role_groups()
        logins_file = settings.DATA_DIR / "demo-logins.json"
        logins = json.loads(logins_file.read_text()) if logins_file.exists() else {}
        User = get_user_model()
        users = {}
        for username, role in ACCOUNTS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "email": f"{username}@example.org",
                    "is_staff": role == Role.ADMIN,
                    "is_superuser": role == Role.ADMIN,
                },
            )
            if created or password:
                secret = password or logins.get(username) or secrets.token_urlsafe(9)
                user.set_password(secret)
                user.save(update_fields=["password"])
                logins[username] = secret
            user.groups.add(groups[role])
            users[username] = user
        if not password:
            logins_file.parent.mkdir(parents=True, exist_ok=True)
            logins_file.write_text(json.dumps(logins, indent=2))
            logins_file.chmod(0o600)
        return users

    def load(self, text: str, users: dict[str, User]) -> None:
        editor, reviewer = users["editor"], users["reviewer"]
        meta = desk.ARTICLE
        # The entities first: the article's proposed claims list meeting attendees from them.
        entities = {}
        for key, (kind, name, names, aliases, wikidata) in desk.ENTITIES.items():
            entities[key], _ = Entity.objects.get_or_create(
                wikidata=wikidata, defaults={"kind": kind, "name": name, "names": names, "aliases": aliases}
            )
        article = create_article(
            title=meta["title"],
            text=text,
            publisher=meta["publisher"],
            language=meta["language"],
            direction=meta["direction"],
            published_at=date.fromisoformat(meta["published_at"]),
            origin=ArticleRevision.Origin.DEMO,
            by=editor,
        )
        sources = {}
        for key, fields in desk.SOURCES.items():
            # Demo sources are not fetched: the demo must work offline. "Re-capture" in the desk fetches them.
            sources[key], _ = find_or_create_source(by=editor, capture=False, **fields)
        claims = {}
        for spec in desk.CLAIMS:
            claims[spec["key"]] = claim = create_claim(
                article=article,
                by=editor,
                selector={"exact": spec["exact"]},
                kind=spec["kind"],
                statement=spec["statement"],
                statement_language="ar",
                statement_en=spec.get("statement_en", ""),
                claimant=spec.get("claimant", ""),
                claimed_on=spec.get("claimed_on", ""),
                details=spec["details"],
                entities=[entities[k] for k in spec.get("entities", [])],
                attendees=[
                    {
                        "entity": entities[a[0]],
                        "role": a[1],
                        "status": a[2],
                        "evidence_note": a[3] if len(a) > 3 else "",
                    }
                    for a in spec.get("attendees", [])
                ],
            )
            cited = {}
            for source_key, stance, passage, estimate in spec.get("evidence", []):
                cited[source_key] = add_evidence(
                    claim=claim, source=sources[source_key], by=editor, stance=stance, passage=passage, **estimate
                )
            shown_by = spec.get("attendance_evidence", {})
            if shown_by:  # which evidence shows each attendance: the editor links it once the evidence is in
                claim = update_claim(
                    claim_id=claim.pk,
                    by=editor,
                    version=claim.version,
                    attendees=[
                        {
                            "entity": entities[a[0]],
                            "role": a[1],
                            "status": a[2],
                            "evidence_note": a[3] if len(a) > 3 else "",
                            "evidence": cited[shown_by[a[0]]] if a[0] in shown_by else None,
                        }
                        for a in spec["attendees"]
                    ],
                )
            self.walk(claim, spec, editor, reviewer)
        for spec in desk.SERIES:
            fields = {k: v for k, v in spec.items() if k not in ("entity", "members")}
            series = create_series(by=editor, entity=entities[spec["entity"]], **fields)
            for key in spec["members"]:
                add_member(series=series, claim=Claim.objects.get(pk=claims[key].pk), by=editor)
        # What the editor has not claimed yet stays proposed; the proposals the claims now cover go.
        propose_claims(article=article)

    def walk(self, claim: Claim, spec: dict[str, Any], editor: User, reviewer: User) -> None:
        """Take the claim through the workflow as the desk would: editor researches and proposes, reviewer publishes."""
        target = spec["status"]
        if target == "draft":
            return
        claim = transition_claim(claim=claim, to="researching", by=editor)
        if target == "researching":
            return
        # The editor proposes the public note with the verdict; the reviewer publishes both as proposed (four eyes)
        # and keeps their approval in the internal comment.
        claim = transition_claim(
            claim=claim,
            to="in_review",
            by=editor,
            verdict=spec["verdict"],
            rationale=spec["rationale"],
            public_note=spec.get("public_note", ""),
        )
        if target == "in_review":
            return
        transition_claim(claim=claim, to="published", by=reviewer, comment="Approved: sources check out.")
