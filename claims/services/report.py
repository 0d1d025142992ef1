"""The desk report: what the desk did week by week, how long a claim takes to publish, verdicts, work per person.

Every figure is aggregated in SQL (four queries, whatever the number of claims), except the spread of the time to
publish, whose quartiles are taken in Python from one column of one query: SQLite, which ``make run`` uses, has no
percentile function. Weeks start on Monday, in UTC.
"""

import statistics
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db.models import Count, F, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone

from claims.models import Claim, ClaimEvent
from claims.workflow import VERDICTS

PERIODS = (4, 12, 26, 52)
DEFAULT_WEEKS = 12
PUBLISHED = Q(action="transition", to_status="published")
#: Leaving review, either way: publishing it or sending it back.
REVIEWED = Q(action="transition", from_status="in_review")
CORRECTED = Q(action="correction")


@dataclass(frozen=True)
class Week:
    start: date
    opened: int
    published: int
    corrected: int


@dataclass(frozen=True)
class Spread:
    """Days from a claim's creation to its first publication."""

    count: int
    low: float
    first_quartile: float
    median: float
    third_quartile: float
    high: float


@dataclass(frozen=True)
class KindVerdicts:
    kind: str
    counts: dict[str, int]  # verdict id → claims

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class PersonWork:
    username: str
    created: int
    published: int
    reviewed: int


@dataclass(frozen=True)
class DeskReport:
    weeks_asked: int
    start: datetime
    weeks: list[Week]
    time_to_publish: Spread | None
    verdicts: list[KindVerdicts]
    people: list[PersonWork]


def period_start(weeks: int, now: datetime | None = None) -> datetime:
    """Monday 00:00 UTC of the first of the last ``weeks`` weeks (this week being the last)."""
    today = (now or timezone.now()).astimezone(UTC).date()
    monday = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    return datetime.combine(monday, datetime.min.time(), tzinfo=UTC)


def desk_report(*, weeks: int = DEFAULT_WEEKS, now: datetime | None = None) -> DeskReport:
    start = period_start(weeks, now)
    return DeskReport(
        weeks_asked=weeks,
        start=start,
        weeks=_weeks(start, weeks),
        time_to_publish=_time_to_publish(start),
        verdicts=_verdicts(start),
        people=_people(start),
    )


def _week_of(value: datetime | date) -> date:
    return value.date() if isinstance(value, datetime) else value


def _weeks(start: datetime, weeks: int) -> list[Week]:
    opened = {
        _week_of(row["week"]): row["n"]
        for row in Claim.objects.filter(created_at__gte=start)
        .annotate(week=TruncWeek("created_at", tzinfo=UTC))
        .values("week")
        .annotate(n=Count("id"))
        .order_by()
    }
    events = {
        _week_of(row["week"]): row
        for row in ClaimEvent.objects.filter(at__gte=start)
        .filter(PUBLISHED | CORRECTED)
        .annotate(week=TruncWeek("at", tzinfo=UTC))
        .values("week")
        .annotate(published=Count("id", filter=PUBLISHED), corrected=Count("id", filter=CORRECTED))
        .order_by()
    }
    out = []
    for index in range(weeks):
        monday = start.date() + timedelta(weeks=index)
        row: Mapping[str, Any] = events.get(monday, {})
        out.append(
            Week(
                start=monday,
                opened=opened.get(monday, 0),
                published=row.get("published", 0),
                corrected=row.get("corrected", 0),
            )
        )
    return out


def _time_to_publish(start: datetime) -> Spread | None:
    """Of the claims first published in the period: days from creation to publication."""
    durations = sorted(
        (published - created).total_seconds() / 86400
        for created, published in Claim.objects.filter(published_at__gte=start)  # published_at: not null here
        .filter(published_at__gte=F("created_at"))
        .values_list("created_at", "published_at")
        if published is not None  # it is (filtered on), but the column is nullable
    )
    if not durations:
        return None
    if len(durations) == 1:
        q1 = median = q3 = durations[0]
    else:
        q1, median, q3 = statistics.quantiles(durations, n=4, method="inclusive")
    return Spread(
        count=len(durations),
        low=round(durations[0], 2),
        first_quartile=round(q1, 2),
        median=round(median, 2),
        third_quartile=round(q3, 2),
        high=round(durations[-1], 2),
    )


def _verdicts(start: datetime) -> list[KindVerdicts]:
    """The verdicts of the claims first published in the period and public now, by kind."""
    counts: dict[str, dict[str, int]] = {}
    for row in (
        Claim.objects.published()
        .filter(published_at__gte=start)
        .values("kind", "verdict")
        .annotate(n=Count("id"))
        .order_by()
    ):
        counts.setdefault(row["kind"], {})[row["verdict"]] = row["n"]
    return [
        KindVerdicts(kind=kind, counts={v: counts[kind].get(v, 0) for v in VERDICTS})
        for kind in Claim.Kind.values
        if kind in counts
    ]


def _people(start: datetime) -> list[PersonWork]:
    """From the history (which outlives a deleted draft): claims each person created, published, reviewed."""
    rows = (
        ClaimEvent.objects.filter(at__gte=start, actor__isnull=False)
        .filter(Q(action="created") | PUBLISHED | REVIEWED)
        .values("actor__username")
        .annotate(
            created=Count("id", filter=Q(action="created")),
            published=Count("id", filter=PUBLISHED),
            reviewed=Count("id", filter=REVIEWED),
        )
        .order_by("actor__username")
    )
    return [
        PersonWork(
            username=row["actor__username"],
            created=row["created"],
            published=row["published"],
            reviewed=row["reviewed"],
        )
        for row in rows
    ]
