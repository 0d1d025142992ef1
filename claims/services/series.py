"""Quantity series: create and edit them, propose quantity claims as members, accept or dismiss proposals, and
read every estimate of a series (each member claim's figure and each source's, from its evidence).

Proposals work as similar claims do (claims.services.matching): scored in a worker after a claim or a series is
saved, stored as SeriesMember rows in the "proposed" state; an editor accepts or dismisses each, and a decided
membership is never proposed again. Cost per run is bounded: at most SERIES_CANDIDATES series per claim, and at
most 2 × CLAIM_CANDIDATES claims per series.
"""

import csv
import datetime as dt
import functools
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import CharField, Count, Max, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from claims.arabic import normalize
from claims.dates import parse_partial_date
from claims.matching import SERIES_THRESHOLD, SeriesText, series_score
from claims.models import Claim, Entity, Evidence, Series, SeriesMember
from claims.page_cache import get_page, invalidate_lists, set_page
from claims.series_chart import Point, TimeChart, describe, layout, period_text
from claims.services.errors import Invalid
from claims.services.queueing import enqueue_after_commit, task
from claims.workflow import PUBLIC_STATUSES, STATUS_LABELS, VERDICTS, Verdict

#: Series scored per claim (those counting one of its entities, then the most recently edited).
SERIES_CANDIDATES = 500
#: Claims scored per series, each way (sharing its words, counting its entity).
CLAIM_CANDIDATES = 2000
#: The fields a desk member may write on a series.
FIELDS = ("name", "names", "slug", "subject", "entity", "unit", "place", "description")


class SeriesInvalid(Invalid):
    """Bad input for a series or a membership."""


# --- writing series ---------------------------------------------------------------------------------------------


def _clean(fields: dict[str, Any], series: Series | None) -> dict[str, Any]:
    errors = {}
    unknown = set(fields) - set(FIELDS)
    if unknown:
        errors["fields"] = _("Unknown fields: %(names)s.") % {"names": ", ".join(sorted(unknown))}
    name = str(fields.get("name", series.name if series else "")).strip()
    if not name:
        errors["name"] = _("Give the series a name, e.g. “Wagner Group personnel in Libya”.")
    names = fields.get("names", series.names if series else {}) or {}
    if not isinstance(names, dict) or not all(isinstance(v, str) for v in names.values()):
        errors["names"] = _('Names are an object of language codes and names, e.g. {"ar": "…", "en": "…"}.')
        names = {}
    slug = str(fields.get("slug", "") or "").strip()
    if slug and slugify(slug) != slug:
        errors["slug"] = _("Use lower-case Latin letters, digits and hyphens only, e.g. wagner-in-libya.")
    entity = fields.get("entity", series.entity if series else None)
    if entity is not None and not isinstance(entity, Entity):
        errors["entity"] = _("Choose an entity on file.")
    if errors:
        raise SeriesInvalid(errors)
    cleaned: dict[str, Any] = {
        key: str(fields[key]).strip() for key in ("subject", "unit", "place", "description") if key in fields
    }
    cleaned |= {"name": name, "names": {k: v.strip() for k, v in names.items() if v.strip()}}
    if "entity" in fields:
        cleaned["entity"] = entity
    if slug or series is None:
        cleaned["slug"] = slug or _free_slug(slugify(cleaned["names"].get("en") or name)[:70] or "series")
    return cleaned


def _free_slug(base: str) -> str:
    taken = set(Series.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _save(series: Series) -> Series:
    try:
        with transaction.atomic():
            series.save()
    except IntegrityError:
        raise SeriesInvalid({"slug": _("Another series has this address; choose another.")}) from None
    transaction.on_commit(invalidate_lists)
    queue_series_proposals(series_id=series.pk)
    return series


def create_series(*, by: User, **fields: Any) -> Series:
    """A new series; its members are proposed by a worker once it is saved."""
    return _save(Series(created_by=by, **_clean(fields, None)))


def update_series(*, series: Series, by: User, **fields: Any) -> Series:
    for key, value in _clean(fields, series).items():
        setattr(series, key, value)
    return _save(series)


def delete_series(*, series: Series, by: User) -> None:
    """The series and its memberships go; the claims stay."""
    series.delete()
    transaction.on_commit(invalidate_lists)


# --- members ----------------------------------------------------------------------------------------------------


@transaction.atomic
def decide_member(*, member: SeriesMember, by: User, accept: bool) -> SeriesMember:
    """Accept a proposed (or dismissed) claim into the series, or dismiss it; the decision sticks."""
    # Two editors deciding the same proposal at once: the later one waits and writes after the first.
    member = SeriesMember.objects.select_for_update().get(pk=member.pk)
    member.state = SeriesMember.State.ACCEPTED if accept else SeriesMember.State.DISMISSED
    member.decided_by, member.decided_at = by, timezone.now()
    member.save(update_fields=["state", "decided_by", "decided_at"])
    transaction.on_commit(invalidate_lists)  # public claim pages link to their series
    return member


def add_member(*, series: Series, claim: Claim | None, by: User) -> SeriesMember:
    """An editor puts a quantity claim in the series by hand: accepted at once (or again, if dismissed)."""
    if claim is None:
        raise SeriesInvalid({"claim": _("No claim has this number.")})
    if claim.kind != Claim.Kind.QUANTITY:
        raise SeriesInvalid(
            {"claim": _("Only quantity claims go in a series; claim #%(id)s is not one.") % {"id": claim.pk}}
        )
    with transaction.atomic():
        member, _created = SeriesMember.objects.get_or_create(series=series, claim=claim, defaults={"score": 1.0})
        return decide_member(member=member, by=by, accept=True)


def _claim_words(claim: Claim) -> str:
    subject = str((claim.details or {}).get("subject", ""))
    return f"{subject} {claim.statement[:2000]} {claim.statement_en[:2000]}"


def _score(series: Series, claim: Claim, entity_ids: frozenset[int]) -> float:
    details = claim.details or {}
    target = SeriesText(
        phrases=tuple(p for p in (series.subject, series.name, *series.names.values()) if p),
        entity=series.entity_id,
        unit=series.unit,
        place=series.place,
    )
    return series_score(
        target,
        text=_claim_words(claim),
        entities=entity_ids,
        unit=str(details.get("unit", "")),
        place=str(details.get("place", "")),
    )


def _store(existing: dict[tuple[int, int], SeriesMember], scores: dict[tuple[int, int], float]) -> list[SeriesMember]:
    """Create or refresh proposals scoring at least SERIES_THRESHOLD; drop stale ones; leave decided ones be."""
    kept = []
    for (series_id, claim_id), value in scores.items():
        member = existing.pop((series_id, claim_id), None)
        if member is None:
            # get_or_create: the claim's run and the series' run may propose the same pair at the same moment.
            member, _created = SeriesMember.objects.get_or_create(
                series_id=series_id, claim_id=claim_id, defaults={"score": value}
            )
        elif member.state == SeriesMember.State.PROPOSED and member.score != value:
            member.score = value
            member.save(update_fields=["score"])
        kept.append(member)
    stale = [m.pk for m in existing.values() if m.state == SeriesMember.State.PROPOSED]
    SeriesMember.objects.filter(pk__in=stale).delete()
    return kept


def propose_for_claim(*, claim_id: int) -> list[SeriesMember]:
    """Score a quantity claim against the series on file and store the proposals (none for another kind)."""
    claim = Claim.objects.prefetch_related("entities").filter(pk=claim_id).first()
    if claim is None:
        return []
    scores = {}
    if claim.kind == Claim.Kind.QUANTITY:
        entity_ids = frozenset(e.pk for e in claim.entities.all())
        by_entity = Series.objects.filter(entity_id__in=entity_ids).order_by("-updated_at")[:SERIES_CANDIDATES]
        recent = Series.objects.exclude(entity_id__in=entity_ids).order_by("-updated_at")[:SERIES_CANDIDATES]
        for series in [*by_entity, *recent][:SERIES_CANDIDATES]:
            value = _score(series, claim, entity_ids)
            if value >= SERIES_THRESHOLD:
                scores[(series.pk, claim.pk)] = value
    with transaction.atomic():
        existing = {(m.series_id, m.claim_id): m for m in claim.series_memberships.select_for_update()}
        return _store(existing, scores)


def propose_for_series(*, series_id: int) -> list[SeriesMember]:
    """Score the quantity claims that share the series' words or count its entity, and store the proposals."""
    series = Series.objects.filter(pk=series_id).first()
    if series is None:
        return []
    quantities = Claim.objects.filter(kind=Claim.Kind.QUANTITY)
    words = [w for w in normalize(series.search_text).split() if len(w) > 2][:12]
    word_query = Q()
    for word in words:
        word_query |= Q(search_text__contains=word) | Q(details__subject__icontains=word)
    ids = set(quantities.filter(word_query).values_list("pk", flat=True)[:CLAIM_CANDIDATES]) if words else set()
    if series.entity_id:
        ids |= set(quantities.filter(entities=series.entity_id).values_list("pk", flat=True)[:CLAIM_CANDIDATES])
    scores = {}
    for claim in Claim.objects.filter(pk__in=ids).prefetch_related("entities"):
        value = _score(series, claim, frozenset(e.pk for e in claim.entities.all()))
        if value >= SERIES_THRESHOLD:
            scores[(series.pk, claim.pk)] = value
    with transaction.atomic():
        existing = {(m.series_id, m.claim_id): m for m in series.members.select_for_update()}
        return _store(existing, scores)


def queue_claim_proposals(*, claim: Claim) -> None:
    """Have a worker propose this claim for the series it counts, once the current transaction commits; for a
    claim of another kind only when it has proposals to drop (it was a quantity claim)."""
    if claim.kind != Claim.Kind.QUANTITY and not claim.series_memberships.filter(state="proposed").exists():
        return
    enqueue_after_commit(task("propose_claim_series"), claim.pk)


def queue_series_proposals(*, series_id: int) -> None:
    enqueue_after_commit(task("propose_series_members"), series_id)


# --- reading a series -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberClaim:
    """The few fields of a member claim a series shows: light enough to hold 10,000 of (a model instance costs
    several times more to build, and a series page builds one per member)."""

    pk: int
    statement: str
    statement_en: str
    statement_language: str
    status: str
    verdict: str
    published_at: dt.datetime | None

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    @property
    def public_url(self) -> str | None:
        # Built for the rows shown only: the claim's own rule for its address and slug.
        return Claim(
            pk=self.pk, statement=self.statement, statement_en=self.statement_en, status=self.status
        ).public_url

    def get_absolute_url(self) -> str:
        return reverse("desk:claim", args=[self.pk])

    def get_status_display(self) -> str:
        label = STATUS_LABELS.get(self.status)  # type: ignore[call-overload]  # a status id is its enum's value
        return _(label) if label else self.status


@dataclass(frozen=True)
class SeriesEstimate:
    """One row of a series' table and CSV, and one point of its chart."""

    claim: MemberClaim
    given_by: str  # the claimant, or the source
    source_id: int | None
    as_of: str  # as written on the claim ("2018/2020"), or the date it fell back on
    dated_by: str  # "as_of", "claimed_on" or "article"
    unit: str
    point: Point
    evidence_id: int | None = None  # the evidence a source's estimate comes from

    @property
    def key(self) -> tuple[int, int]:
        """Where the row sits in a series' cached order (SeriesIndex.keys): (claim, evidence or 0)."""
        return (self.claim.pk, self.evidence_id or 0)

    @property
    def is_source(self) -> bool:
        return self.source_id is not None

    @property
    def text(self) -> str:
        """The estimate in the reader's digits: "≈ 2,000", "800–1,200"."""
        return describe(self.point, localized_number)

    @property
    def period(self) -> str:
        return period_text(self.point)

    @property
    def verdict(self) -> Verdict | None:
        return VERDICTS.get(self.claim.verdict)


def _when(
    details: dict[str, Any], claimed_on: str, published: dt.date | None
) -> tuple[str, str, dt.date, dt.date] | None:
    """(as written, dated by, start, end) of a claim's estimate: its as-of date or period, else when it was made,
    else its article's date."""
    for text, dated_by in ((str(details.get("as_of", "")), "as_of"), (claimed_on, "claimed_on")):
        if not text:
            continue
        period = _period(text)
        if period is None:
            continue
        return text, dated_by, *period
    if published is None:
        return None
    return published.isoformat(), "article", published, published


@functools.lru_cache(maxsize=4096)
def _period(text: str) -> tuple[dt.date, dt.date] | None:
    """The first and last day of "2018", "2018-05/2019" (None if not a date): a series repeats its dates, and
    parsing them was most of the time a large series took to read."""
    try:
        first, _sep, second = text.partition("/")
        start, end = parse_partial_date(first), parse_partial_date(second or first)
    except ValueError:
        return None
    return start.earliest(), end.latest()


def _number(raw: object) -> Decimal | None:
    if raw is None or raw == "" or isinstance(raw, bool):
        return None
    try:
        return Decimal(str(raw))
    except ArithmeticError:
        return None


def member_claims(series: Series, *, public: bool) -> Any:
    claims = Claim.objects.filter(
        kind=Claim.Kind.QUANTITY, series_memberships__series=series, series_memberships__state="accepted"
    )
    return claims.published() if public else claims


def series_estimates(series: Series, *, public: bool, claim_ids: Any = None) -> list[SeriesEstimate]:
    """Every estimate of the series, oldest first: each accepted member's own figure, then each source's.

    Two queries whatever the number of members: the claims, and their evidence that gives an estimate. ``public``
    keeps published claims only (the one rule, Claim.objects.published()); ``claim_ids`` keeps those members only.
    """
    claims = member_claims(series, public=public)
    if claim_ids is not None:
        claims = claims.filter(pk__in=claim_ids)
    rows = claims.values(
        "id", "statement", "statement_en", "statement_language", "status", "verdict", "published_at",
        "claimant", "claimed_on", "details", "article__published_at",
    )  # fmt: skip
    estimates: list[SeriesEstimate] = []
    dated: dict[int, tuple[MemberClaim, str, str, dt.date, dt.date]] = {}
    for row in rows:
        details = row["details"] or {}
        when = _when(details, row["claimed_on"], row["article__published_at"])
        if when is None:
            continue
        claim = MemberClaim(
            row["id"], row["statement"], row["statement_en"], row["statement_language"], row["status"],
            row["verdict"], row["published_at"],
        )  # fmt: skip
        as_of, dated_by, start, end = when
        dated[row["id"]] = (claim, as_of, dated_by, start, end)
        point = Point(
            start=start, end=end, value=_number(details.get("value")), lower=_number(details.get("lower")),
            upper=_number(details.get("upper")), approximate=bool(details.get("approximate")), verdict=row["verdict"],
        )  # fmt: skip
        unit = str(details.get("unit", "")) or series.unit
        estimates.append(SeriesEstimate(claim, row["claimant"], None, as_of, dated_by, unit, point))
    given = (
        Evidence.objects.filter(claim__in=claims)
        .filter(Q(estimate_value__isnull=False) | Q(estimate_lower__isnull=False) | Q(estimate_upper__isnull=False))
        .values(
            "id", "claim_id", "source_id", "source__publisher", "source__title", "estimate_value", "estimate_lower",
            "estimate_upper", "estimate_approximate", "estimate_unit",
        )
        .order_by("claim_id", "id")
    )  # fmt: skip
    for row in given:
        if row["claim_id"] not in dated:
            continue
        claim, as_of, dated_by, start, end = dated[row["claim_id"]]
        point = Point(
            start=start, end=end, value=row["estimate_value"], lower=row["estimate_lower"],
            upper=row["estimate_upper"], approximate=row["estimate_approximate"], source=True, verdict=claim.verdict,
        )  # fmt: skip
        label = row["source__publisher"] or row["source__title"]
        unit = row["estimate_unit"] or series.unit
        estimates.append(SeriesEstimate(claim, label, row["source_id"], as_of, dated_by, unit, point, row["id"]))
    estimates.sort(key=lambda e: (e.point.start, e.point.end, e.claim.pk, e.is_source))
    return estimates


def latest_checked(estimates: list[SeriesEstimate]) -> dt.datetime | None:
    """When the latest estimate was checked: the date of the latest published verdict among the members."""
    dates = [e.claim.published_at for e in estimates if e.claim.published_at and e.claim.is_public]
    return max(dates, default=None)


def public_series() -> Any:
    """Series that readers may see: with at least one accepted, published member."""
    shown = SeriesMember.objects.accepted().filter(claim__in=Claim.objects.published(), claim__kind="quantity")
    return Series.objects.filter(pk__in=shown.values("series_id"))


def series_of_claim(claim: Claim) -> list[Series]:
    """The series a claim is an accepted member of (for its page's link)."""
    found = Series.objects.filter(members__claim=claim, members__state=SeriesMember.State.ACCEPTED)
    return list(found.order_by("name", "id"))


def localized_number(number: float) -> str:
    """A label's number in the reader's language ("1,200"; "1.200" in Arabic); never for SVG coordinates."""
    value = float(number)
    shown: float | int = int(value) if value == int(value) else round(value, 2)
    return number_format(shown, use_l10n=True, force_grouping=True)


def series_chart(series: Series, estimates: list[SeriesEstimate]) -> TimeChart | None:
    return layout([e.point for e in estimates], unit=series.unit, number_text=localized_number)


# --- a series' order and chart, cached and checked against its members -----------------------------------------

#: How long a series' order and chart stay cached (every use first checks them against the members).
INDEX_TIMEOUT = 60 * 60
#: Rows read at once when the CSV is written (it streams; its memory does not grow with the series).
CSV_CHUNK = 1000


@dataclass(frozen=True)
class SeriesIndex:
    """What a series page needs of every estimate, computed once per state of its members: their order
    (``keys``, as SeriesEstimate.key), the chart, the claims counted and the latest check. The rows themselves
    are read for the page shown only (estimates_at), so their text is never older than the request."""

    keys: tuple[tuple[int, int], ...]
    chart: TimeChart | None
    claims_count: int
    checked_at: dt.datetime | None
    any_public: bool

    def __len__(self) -> int:
        return len(self.keys)


def _members_state(*, public: bool) -> Any:
    """The state of a series' members an index was built from, as one text, a subquery of the series' own query
    (no query of its own): which claims (count and sum of ids, published ones only for readers), their latest
    edit (every save moves updated_at, and evidence is a claim's substance: claims.services.sources moves it
    too), their evidence rows (count, latest), their articles' latest edit (an article's date dates its claims),
    the latest decision on a membership."""
    claims = Claim.objects.filter(
        kind=Claim.Kind.QUANTITY, series_memberships__series=OuterRef("pk"), series_memberships__state="accepted"
    )
    if public:
        claims = claims.published()
    parts: list[Any] = [
        Count("id", distinct=True), Sum("id", distinct=True), Max("updated_at"), Count("evidence", distinct=True),
        Max("evidence"), Max("article__updated_at"), Max("series_memberships__decided_at"),
    ]  # fmt: skip
    text: list[Any] = []
    for part in parts:
        text += [Coalesce(Cast(part, CharField()), Value("-")), Value("|")]
    state = claims.order_by().values("series_memberships__series").annotate(state=Concat(*text[:-1]))
    return Subquery(state.values("state")[:1], output_field=CharField())


def with_members_state(series: Any, *, public: bool) -> Any:
    """A Series queryset whose rows carry the state of their members (``members_state``) for SeriesView."""
    return series.annotate(members_state=_members_state(public=public))


def members_fingerprint(series: Series, *, public: bool) -> str:
    """The series' own edit and the state of its members (with_members_state), as a cache key's part."""
    state = getattr(series, "members_state", False)
    if state is False:  # not read with the series: one query
        state = with_members_state(Series.objects.filter(pk=series.pk), public=public)[0].members_state
    return f"{series.pk}|{series.updated_at}|{public}|{state}"


def _build_index(series: Series, estimates: list[SeriesEstimate]) -> SeriesIndex:
    return SeriesIndex(
        keys=tuple(e.key for e in estimates),
        chart=series_chart(series, estimates),
        claims_count=len({e.claim.pk for e in estimates}),
        checked_at=latest_checked(estimates),
        any_public=any(e.claim.is_public for e in estimates),
    )


class SeriesView:
    """A series as its pages read it: the index (order, chart, counts), then the rows of one page or chunk.

    Queries, whatever the number of members: none for the state of the members when the series was read with
    it (with_members_state; else 1); then either (cached index) 2 for the rows asked for, or (first read of this
    state) 2 for every estimate, kept for this request so pages cost nothing more.
    Nothing is cached unless the shared cache can store it; a cached index is only used when its fingerprint
    matches the members read now, and rows are always read now with the same rule (``public``).
    """

    def __init__(self, series: Series, *, public: bool) -> None:
        self.series, self.public = series, public
        # The chart's labels are in the reader's digits: one index per language.
        state = f"{members_fingerprint(series, public=public)}|{get_language()}"
        key = "series:index:" + hashlib.sha256(state.encode()).hexdigest()
        index = get_page(key, INDEX_TIMEOUT)
        self._all: dict[tuple[int, int], SeriesEstimate] | None = None
        if not isinstance(index, SeriesIndex):
            estimates = series_estimates(series, public=public)
            self._all = {e.key: e for e in estimates}
            index = _build_index(series, estimates)
            set_page(key, index, INDEX_TIMEOUT)
        self.index: SeriesIndex = index

    def estimates_at(self, keys: Any) -> list[SeriesEstimate]:
        """The estimates under ``keys`` (a page of the index), in its order; 2 queries unless all were read."""
        keys = list(keys)
        if self._all is not None:
            found = self._all
        else:
            read = series_estimates(self.series, public=self.public, claim_ids={claim for claim, _ in keys})
            found = {e.key: e for e in read}
        # A row gone since the index was built (unpublished meanwhile) is left out, never shown from the cache.
        return [found[key] for key in keys if key in found]

    def chunks(self, size: int = CSV_CHUNK) -> Any:
        keys = self.index.keys
        for start in range(0, len(keys), size):
            yield self.estimates_at(keys[start : start + size])


class EstimatePages(Sequence[SeriesEstimate]):
    """The index as a sequence a Paginator (or DRF's) slices: only the slice taken is read."""

    def __init__(self, view: SeriesView) -> None:
        self.view = view

    def __len__(self) -> int:
        return len(self.view.index)

    def __getitem__(self, item: Any) -> Any:  # a slice (what paginators take), or one index
        if isinstance(item, slice):
            return self.view.estimates_at(self.view.index.keys[item])
        return self.view.estimates_at([self.view.index.keys[item]])[0]


#: The CSV's columns, in order (docs/api.md describes them).
CSV_COLUMNS = (
    "claim_id", "statement", "given_by", "estimate_of", "as_of", "dated_by", "start", "end", "value", "lower",
    "upper", "approximate", "unit", "verdict", "status",
)  # fmt: skip


def _plain(number: object) -> str:
    return "" if number is None else format(Decimal(str(number)).normalize(), "f")


def csv_stream(view: SeriesView) -> Any:
    """The series' CSV, a line at a time, read CSV_CHUNK rows at once (for a StreamingHttpResponse)."""
    line = _Line()
    writer = csv.writer(line)
    writer.writerow(CSV_COLUMNS)
    yield line.take()
    for chunk in view.chunks():
        writer.writerows(_csv_body(chunk))
        yield line.take()


class _Line:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> None:
        self.parts.append(text)

    def take(self) -> str:
        text, self.parts = "".join(self.parts), []
        return text


def _csv_body(estimates: Any) -> Any:
    plain = _plain
    for e in estimates:
        p = e.point
        yield [
            str(e.claim.pk), e.claim.statement, e.given_by, "source" if e.is_source else "claim", e.as_of, e.dated_by,
            p.start.isoformat(), p.end.isoformat(), plain(p.value), plain(p.lower), plain(p.upper),
            "yes" if p.approximate else "no", e.unit, e.claim.verdict, e.claim.status,
        ]  # fmt: skip
