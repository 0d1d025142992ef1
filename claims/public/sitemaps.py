"""sitemap.xml: an index of sitemaps, one section each for the published claim pages, in both interface languages,
and the articles, entities, series and topics they name, each paged at the protocol's 50,000 addresses.

Neither the index nor a page reads a whole table: a section's pages are ranges of ids (``IdRangePages``), so the
index asks each section for its lowest and highest ids only (no count), and a page reads the rows of its range by the
primary key (no OFFSET past the pages before it). A range may hold fewer addresses than the limit, never more.

The index is Django's view; a section's page is written here (``section``): a page's rows are read as values, each
view's address is reversed once per language and filled per row, and the XML is written as text. Django's sitemap
template, with a ``reverse()`` per address and alternate, took 6-25 s for a full page of 50,000 addresses.
"""

import math
from datetime import datetime
from functools import cached_property
from html import escape
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sites.shortcuts import get_current_site
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db import connection
from django.db.models import Exists, Max, OuterRef, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import RFC3986_SUBDELIMS, http_date
from django.views.decorators.http import require_safe

from claims.models import Article, Claim, Entity, EntityClaimCount, Series, Tag
from claims.models.claims import claim_slug
from claims.services.series import public_series
from claims.workflow import PUBLIC_STATUSES

#: Claim.objects.published()'s statuses, for the link tables' EXISTS (a join to the claim, not an IN over claims).
PUBLIC = sorted(PUBLIC_STATUSES)
#: Stand-ins for a view's arguments, reversed once and replaced per row (digits: every path converter takes them).
MARKERS = ("2718281828", "3141592653")
#: What reverse() leaves unquoted in an argument (django.urls.resolvers).
URL_SAFE = RFC3986_SUBDELIMS + "/~:@"


class IdRangePages:
    """A section's pages as Django's sitemap index uses a paginator (``num_pages``): page n holds the rows whose id
    is in the n-th range of `width` ids, `width` being the addresses a page may hold over the languages each row is
    listed in."""

    def __init__(self, queryset: QuerySet[Any], languages: list[str], addresses: int):
        self.queryset, self.languages = queryset, languages
        self.width = max(1, addresses // len(languages))

    @cached_property
    def _first_and_last(self) -> tuple[int, int]:
        # Two walks of the primary key, from each end to the first row the section lists: never a count, and the
        # ranges start where the section's ids do (a database whose early rows were deleted has no empty pages).
        ids = self.queryset.values_list("id", flat=True)
        return ids.order_by("id").first() or 1, ids.order_by("-id").first() or 0

    @cached_property
    def num_pages(self) -> int:
        first, last = self._first_and_last
        return max(1, math.ceil((last - first + 1) / self.width))

    def rows(self, number: Any, columns: tuple[str, ...]) -> list[tuple[Any, ...]]:
        """Page `number`'s rows, as tuples of `columns`, in id order."""
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("The page number is not an integer.") from None
        if number < 1 or number > self.num_pages:
            raise EmptyPage("That page contains no results.")
        first, _last = self._first_and_last
        low = first + (number - 1) * self.width
        return list(self.queryset.filter(id__gte=low, id__lt=low + self.width).order_by("id").values_list(*columns))


class PagedSitemap(Sitemap):
    """A section in every interface language, read a page (a range of ids) at a time."""

    i18n = True
    alternates = True
    #: The public view each row's address is, and the columns a page reads: the id first, then what `arguments`
    #: and `row_lastmod` take.
    view_name = ""
    columns: tuple[str, ...] = ("id",)
    changefreq = ""

    @property
    def limit(self) -> int:  # type: ignore[override]
        return int(settings.SITEMAP_ADDRESSES_PER_PAGE)

    @property
    def paginator(self) -> IdRangePages:  # type: ignore[override]
        return IdRangePages(self.items(), self.section_languages(), self.limit)

    def section_languages(self) -> list[str]:
        return list(self.languages or [code for code, _name in settings.LANGUAGES])  # Sitemap._languages()

    def items(self) -> QuerySet[Any]:
        raise NotImplementedError

    def arguments(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        """The view's arguments for `row` (a tuple of `columns`)."""
        return (row[0],)

    def row_lastmod(self, row: tuple[Any, ...]) -> datetime | None:
        return None


def _path_format(view_name: str, arguments: int, language: str) -> str:
    """The view's path in `language` as a str.format() template of its `arguments`."""
    with translation.override(language):
        path = reverse(view_name, args=MARKERS[:arguments])
    path = path.replace("{", "{{").replace("}", "}}")
    for number, marker in enumerate(MARKERS[:arguments]):
        path = path.replace(marker, "{" + str(number) + "}")
    return path


def urlset(sitemap: PagedSitemap, rows: list[tuple[Any, ...]], origin: str) -> str:
    """The <urlset> of `rows`: each row's address in every language, with its alternates (and x-default for a
    section that has one) and lastmod, as Django's sitemap template writes them."""
    languages = sitemap.section_languages()
    if not rows:
        formats: dict[str, str] = {}
    else:
        arguments = len(sitemap.arguments(rows[0]))
        formats = {language: origin + _path_format(sitemap.view_name, arguments, language) for language in languages}
    changefreq = f"<changefreq>{sitemap.changefreq}</changefreq>" if sitemap.changefreq else ""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
    ]
    for row in rows:
        quoted = [quote(str(value), safe=URL_SAFE) for value in sitemap.arguments(row)]
        locations = {language: escape(formats[language].format(*quoted)) for language in languages}
        links = "".join(
            f'<xhtml:link rel="alternate" hreflang="{language}" href="{location}"/>'
            for language, location in locations.items()
        )
        if sitemap.x_default and settings.LANGUAGE_CODE in locations:
            links += f'<xhtml:link rel="alternate" hreflang="x-default" href="{locations[settings.LANGUAGE_CODE]}"/>'
        lastmod = sitemap.row_lastmod(row)
        modified = f"<lastmod>{timezone.localtime(lastmod).date().isoformat()}</lastmod>" if lastmod else ""
        parts += [f"<url><loc>{location}</loc>{modified}{changefreq}{links}</url>" for location in locations.values()]
    parts.append("\n</urlset>\n")
    return "".join(parts)


@require_safe
def section(request: HttpRequest, section: str) -> HttpResponse:
    """One page (``?p=``, from 1) of one section."""
    sitemap_class = SITEMAPS.get(section)
    if sitemap_class is None:
        raise Http404(f"No sitemap available for section: {section!r}")
    sitemap = sitemap_class()
    try:
        rows = sitemap.paginator.rows(request.GET.get("p", 1), sitemap.columns)
    except (EmptyPage, PageNotAnInteger) as exc:
        raise Http404(str(exc)) from None
    origin = f"{sitemap.get_protocol(request.scheme)}://{get_current_site(request).domain}"
    response = HttpResponse(urlset(sitemap, rows, origin), content_type="application/xml")
    # As Django's view: a Last-Modified the conditional-GET middleware answers 304 with, when every row has one.
    lastmods = [sitemap.row_lastmod(row) for row in rows]
    known = [lastmod for lastmod in lastmods if lastmod is not None]
    if known and len(known) == len(lastmods):
        response.headers["Last-Modified"] = http_date(max(known).timestamp())
    return response


def _latest(queryset: QuerySet[Any], field: str) -> datetime | None:
    latest: datetime | None = queryset.aggregate(latest=Max(field))["latest"]
    return latest


class ClaimSitemap(PagedSitemap):
    x_default = True
    changefreq = "weekly"
    view_name = "public:claim"
    columns = ("id", "statement", "statement_en", "updated_at")

    def items(self) -> QuerySet[Claim]:
        return Claim.objects.published().order_by("id")

    def arguments(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        pk, statement, statement_en, _updated_at = row
        return (pk, claim_slug(statement, statement_en))  # Claim.public_url's

    def row_lastmod(self, row: tuple[Any, ...]) -> datetime:
        return row[3]

    def get_latest_lastmod(self) -> datetime | None:
        # One aggregate, where Django's default would call lastmod() on every published claim.
        return _latest(Claim.objects.published(), "updated_at")


class ArticleSitemap(PagedSitemap):
    changefreq = "monthly"
    view_name = "public:article"

    def items(self) -> QuerySet[Article]:
        return Article.objects.filter(Exists(Claim.objects.published().filter(article=OuterRef("pk")))).order_by("id")


class EntitySitemap(PagedSitemap):
    changefreq = "weekly"
    view_name = "public:entity"

    def items(self) -> QuerySet[Entity]:
        if connection.vendor == "postgresql":
            # The record's kept counts (migration 0047): one probe of a small table per entity, where the links'
            # EXISTS visited the claims table for each.
            counted = EntityClaimCount.objects.filter(entity=OuterRef("pk"), either__gt=0)
            return Entity.objects.filter(Exists(counted)).order_by("id")
        published = Claim.objects.published()
        named = Claim.entities.through.objects.filter(entity=OuterRef("pk"), claim__status__in=PUBLIC)
        claimant = published.filter(claimant_entity=OuterRef("pk"))
        return Entity.objects.filter(Exists(named) | Exists(claimant)).order_by("id")


class SeriesSitemap(PagedSitemap):
    changefreq = "weekly"
    view_name = "public:series"
    columns = ("id", "slug")

    def items(self) -> QuerySet[Series]:
        return public_series().order_by("id")

    def arguments(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        return (row[1],)  # Series.public_path's


class TopicSitemap(PagedSitemap):
    """Topic pages with a published claim (a tag only drafts carry has no public page)."""

    changefreq = "weekly"
    view_name = "public:topic"
    columns = ("id", "slug")

    def items(self) -> QuerySet[Tag]:
        tagged = Claim.tags.through.objects.filter(tag=OuterRef("pk"), claim__status__in=PUBLIC)
        return Tag.objects.filter(Exists(tagged)).order_by("id")

    def arguments(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        return (row[1],)


SITEMAPS = {
    "claims": ClaimSitemap,
    "articles": ArticleSitemap,
    "entities": EntitySitemap,
    "series": SeriesSitemap,
    "topics": TopicSitemap,
}
