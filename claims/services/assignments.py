"""Who works on a claim or an article, who reviews it, by when; the desk settings and the daily reminders.

Every assignment goes through ``assign_claim`` / ``assign_article``: they check the people (desk members; a
reviewer holds the reviewer role and, four eyes, is not the claim's last editor nor an author of its public
text), write the claim's history and send ``events.assigned``. An assignment is not an edit: it does not bump the
claim's version, so an editor's open form stays valid.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from claims.models import Article, Claim, ClaimEvent, DeskSettings, Reminder
from claims.models.claims import IS_PUBLIC
from claims.models.team import AGED_STATUSES
from claims.services import events
from claims.services.errors import AssignmentInvalid
from claims.services.history import record_event
from claims.services.roles import ROLE_GROUPS, actor_for, roles_of
from claims.workflow import PUBLIC_TEXT, Role


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


#: "Leave it as it is": ``None`` means "nobody" / "no date".
UNSET: Any = _Unset()


def desk_members() -> "models.QuerySet[User]":
    """Active desk members by username, each marked ``may_review`` (reviewer, admin, superuser): one query for
    the assignee and reviewer choices of every form."""
    reviewing = [ROLE_GROUPS[Role.REVIEWER], ROLE_GROUPS[Role.ADMIN]]
    groups = User.groups.through.objects.filter(user=OuterRef("pk"))
    return (
        User.objects.filter(is_active=True)
        .filter(Q(Exists(groups.filter(group__name__in=ROLE_GROUPS.values()))) | Q(is_superuser=True))
        .annotate(may_review=Q(Exists(groups.filter(group__name__in=reviewing))) | Q(is_superuser=True))
        .only("id", "username", "first_name", "last_name", "is_superuser")
        .order_by("username", "id")
    )


def find_member(value: object, *, field: str) -> User | None:
    """The desk member a form or an API body names: a user id, or a username; '' or None is nobody."""
    if value is None or value == "":
        return None
    if isinstance(value, User):
        user: User | None = value
    else:
        text = str(value).strip()
        # ASCII digits only: "²" is a digit to str.isdigit() and not to int().
        lookup = Q(pk=int(text)) | Q(username=text) if text.isascii() and text.isdigit() else Q(username=text)
        user = User.objects.filter(lookup, is_active=True).order_by("pk").first()
    if user is None or not roles_of(user):
        raise AssignmentInvalid({field: _("No desk member is called %(name)s.") % {"name": value}})
    return user


def parse_due(value: object) -> datetime.date | None:
    """A due date from a form or a body: YYYY-MM-DD, or ''/None for no date."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        raise AssignmentInvalid({"due": _("Give the due date as YYYY-MM-DD, e.g. 2026-05-31.")}) from None


def reviewer_refusal(claim: Claim, reviewer: User) -> str:
    """Why ``reviewer`` may not review ``claim`` ('' if they may): the role, and four eyes."""
    if not actor_for(reviewer).has(Role.REVIEWER):
        return _("%(name)s is not a reviewer: only a reviewer may review a claim.") % {"name": reviewer.username}
    authors = {claim.last_editor_id, *(claim.public_text_authors.get(k) for k in PUBLIC_TEXT)}
    if reviewer.pk in authors:
        return _(
            "Four eyes: %(name)s edited this claim or wrote some of its public text, so another reviewer must "
            "review it."
        ) % {"name": reviewer.username}
    return ""


def _check_may_assign(by: User) -> None:
    if not actor_for(by).has(Role.EDITOR):
        raise AssignmentInvalid({"assignee": _("Only desk members may assign claims.")})


@transaction.atomic
def assign_claim(
    *, claim: Claim, by: User, assignee: Any = UNSET, reviewer: Any = UNSET, due: Any = UNSET, comment: str = ""
) -> Claim:
    """Set any of the claim's assignee, reviewer and due date (``UNSET`` leaves one as it is; None clears it).

    ``assignee`` and ``reviewer`` are users, ids or usernames. Raises AssignmentInvalid naming the field. Records
    one ``assigned`` history event with what changed and sends ``events.assigned`` for each person newly given
    the claim. Returns the claim as saved.
    """
    _check_may_assign(by)
    # Lock: two chiefs assigning the same claim at once are serialized; the second sees the first's choice.
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    errors: dict[str, str] = {}
    new: dict[str, Any] = {}
    for field, value in (("assignee", assignee), ("reviewer", reviewer)):
        if value is UNSET:
            continue
        try:
            new[field] = find_member(value, field=field)
        except AssignmentInvalid as exc:
            errors.update(exc.errors)
    if due is not UNSET:
        try:
            new["due"] = parse_due(due)
        except AssignmentInvalid as exc:
            errors.update(exc.errors)
    if (person := new.get("reviewer")) is not None and (why := reviewer_refusal(claim, person)):
        errors["reviewer"] = why
    if errors:
        raise AssignmentInvalid(errors)
    before = {"assignee": claim.assignee, "reviewer": claim.reviewer, "due": claim.due}
    changed = {name: value for name, value in new.items() if before[name] != value}
    if not changed:
        return claim
    for name, value in changed.items():
        setattr(claim, name, value)
    claim.save(update_fields=[*changed, "updated_at"])
    record_event(
        claim=claim,
        actor=by,
        action=ClaimEvent.Action.ASSIGNED,
        comment=comment,
        changes={name: [_shown(before[name]), _shown(value)] for name, value in changed.items()},
    )
    for role in ("assignee", "reviewer"):
        if (person := changed.get(role)) is not None:
            events.assigned.send(sender=Claim, target=claim, user=person, role=role, actor=by)
    return claim


def _shown(value: object) -> object:
    """How the history keeps a person or a date: the username, the ISO date."""
    if isinstance(value, User):
        return value.username
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


@transaction.atomic
def assign_article(*, article: Article, by: User, assignee: Any) -> Article:
    """Give an article being processed to a desk member (None: nobody); sends ``events.assigned``."""
    _check_may_assign(by)
    article = Article.objects.select_for_update().get(pk=article.pk)
    person = find_member(assignee, field="assignee")
    if article.assignee_id == (person.pk if person else None):
        return article
    article.assignee = person
    article.save(update_fields=["assignee", "updated_at"])
    if person is not None:
        events.assigned.send(sender=Article, target=article, user=person, role="assignee", actor=by)
    return article


# The desk settings and the reminders.


def update_desk_settings(
    *, by: User, age_limits: dict[str, Any], reminders_enabled: bool, third_party_copies: bool | None = None
) -> DeskSettings:
    """Admins set the days a claim may sit in each status (0 or empty: no limit), switch reminders and the
    third-party copies of captured pages (None: leave as it is)."""
    if not actor_for(by).has(Role.ADMIN):
        raise AssignmentInvalid({"age_limits": _("Only an admin may change the desk settings.")})
    limits: dict[str, int] = {}
    for status in AGED_STATUSES:
        raw = age_limits.get(status)
        if raw in (None, ""):
            continue
        try:
            days = int(raw)
        except (TypeError, ValueError):
            days = -1
        if not 0 <= days <= 365:
            raise AssignmentInvalid({status: _("Give a number of days from 0 to 365.")})
        if days:
            limits[status] = days
    defaults: dict[str, Any] = {"age_limits": limits, "reminders_enabled": reminders_enabled}
    if third_party_copies is not None:
        defaults["third_party_copies"] = third_party_copies
    settings, _created = DeskSettings.objects.update_or_create(pk=1, defaults=defaults)
    return settings


@dataclass(frozen=True)
class Due:
    claim: Claim
    reason: str
    user: User


def _entered_status() -> Subquery:
    """When the claim entered its current status: its last status change (or its creation)."""
    last = ClaimEvent.objects.filter(claim=OuterRef("pk"), action="transition").order_by("-at", "-id")
    return Subquery(last.values("at")[:1], output_field=models.DateTimeField())


def reminders_due(*, today: datetime.date) -> Iterator[Due]:
    """Each (claim, reason, person) the desk should be reminded of today: due tomorrow, overdue, or sat longer
    than its status's age limit. Published claims are done: they are never reminded of."""
    desk = DeskSettings.load()
    if not desk.reminders_enabled:
        return
    claims = Claim.objects.exclude(IS_PUBLIC).select_related("assignee", "reviewer", "created_by")
    tomorrow = today + datetime.timedelta(days=1)
    for claim in claims.filter(due=tomorrow).order_by("id"):
        yield from _to_whom(claim, Reminder.Reason.DUE)
    for claim in claims.filter(due__lt=today).order_by("id"):
        yield from _to_whom(claim, Reminder.Reason.OVERDUE)
    start = datetime.datetime.combine(today, datetime.time.min, tzinfo=datetime.UTC)
    stale = Q()
    for status in AGED_STATUSES:
        if (days := desk.age_limit(status)) is not None:
            stale |= Q(status=status, entered__lt=start - datetime.timedelta(days=days))
    if stale:
        aged = claims.annotate(entered=Coalesce(_entered_status(), "created_at")).filter(stale)
        for claim in aged.order_by("id"):
            yield from _to_whom(claim, Reminder.Reason.STALE)


def _to_whom(claim: Claim, reason: str) -> Iterator[Due]:
    """The person a reminder goes to: the reviewer of a claim in review, else its assignee, else its creator."""
    person = (claim.reviewer if claim.status == "in_review" else None) or claim.assignee or claim.created_by
    if person is not None and person.is_active:
        yield Due(claim, reason, person)


def send_reminders(*, today: datetime.date | None = None) -> int:
    """Send today's reminders (``events.reminder``), each at most once per claim, reason and day: a Reminder row
    records it first, so a second run the same day (a retried task, a second beat) sends nothing again."""
    today = today or timezone.localdate()
    sent = 0
    for due in list(reminders_due(today=today)):
        try:
            with transaction.atomic():
                Reminder.objects.create(claim=due.claim, reason=due.reason, sent_on=today, user=due.user)
                events.reminder.send(sender=Claim, claim=due.claim, user=due.user, reason=due.reason)
        except IntegrityError:
            continue  # already reminded today
        sent += 1
    return sent
