"""sitemap.xml: an index of sitemaps, one section each for the published claim pages, in both interface languages,
and the articles, entities, series and topics they name, each paged at the protocol's 50,000 addresses.

Neither the index nor a page reads a whole table: a section's pages are ranges of ids (``IdRangePages``), so the
index asks each section for its lowest and highest ids only (no count), and a page reads the rows of its range by the
primary key (no OFFSET past the pages before it). A range may hold fewer addresses than the limit, never more.
"""

import math
from datetime import datetime
from functools import cached_property
from typing import Any, cast

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Exists, Max, OuterRef, QuerySet
from django.urls import reverse

from claims.models import Article, Claim, Entity, Series, Tag
from claims.services.series import public_series
from claims.workflow import PUBLIC_STATUSES

#: Claim.objects.published()'s statuses, for the link tables' EXISTS (a join to the claim, not an IN over claims).
PUBLIC = sorted(PUBLIC_STATUSES)


class SitemapPage:
    """What Django's sitemap reads of a page: its (item, language) pairs."""

    def __init__(self, object_list: list[tuple[Any, str]]):
        self.object_list = object_list


class IdRangePages:
    """A section's pages as Django's sitemap views use a paginator (``num_pages``, ``page(n)``): page n holds the
    items whose id is in the n-th range of `width` ids, `width` being the addresses a page may hold over the
    languages each item is listed in."""

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

    def page(self, number: Any) -> SitemapPage:
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("The page number is not an integer.") from None
        if number < 1 or number > self.num_pages:
            raise EmptyPage("That page contains no results.")
        first, _last = self._first_and_last
        low = first + (number - 1) * self.width
        items = self.queryset.filter(id__gte=low, id__lt=low + self.width).order_by("id")
        return SitemapPage([(item, language) for item in items for language in self.languages])


class PagedSitemap(Sitemap):
    """A section in every interface language, read a page (a range of ids) at a time."""

    i18n = True
    alternates = True

    @property
    def limit(self) -> int:  # type: ignore[override]
        return int(settings.SITEMAP_ADDRESSES_PER_PAGE)

    @property
    def paginator(self) -> IdRangePages:  # type: ignore[override]
        languages = self.languages or [code for code, _name in settings.LANGUAGES]  # Sitemap._languages()
        return IdRangePages(self.items(), list(languages), self.limit)

    def items(self) -> QuerySet[Any]:
        raise NotImplementedError


def _latest(queryset: QuerySet[Any], field: str) -> datetime | None:
    latest: datetime | None = queryset.aggregate(latest=Max(field))["latest"]
    return latest


class ClaimSitemap(PagedSitemap):
    x_default = True
    changefreq = "weekly"

    def items(self) -> QuerySet[Claim]:
        return Claim.objects.published().only("id", "statement", "statement_en", "status", "updated_at").order_by("id")

    def location(self, claim: Claim) -> str:
        return cast(str, claim.public_url)  # items() are published: each has one

    def lastmod(self, claim: Claim) -> datetime:
        return claim.updated_at

    def get_latest_lastmod(self) -> datetime | None:
        # One aggregate, where Django's default would call lastmod() on every published claim.
        return _latest(Claim.objects.published(), "updated_at")


class ArticleSitemap(PagedSitemap):
    changefreq = "monthly"

    def items(self) -> QuerySet[Article]:
        return Article.objects.filter(Exists(Claim.objects.published().filter(article=OuterRef("pk")))).order_by("id")

    def location(self, article: Article) -> str:
        return reverse("public:article", args=[article.pk])


class EntitySitemap(PagedSitemap):
    changefreq = "weekly"

    def items(self) -> QuerySet[Entity]:
        published = Claim.objects.published()
        named = Claim.entities.through.objects.filter(entity=OuterRef("pk"), claim__status__in=PUBLIC)
        claimant = published.filter(claimant_entity=OuterRef("pk"))
        return Entity.objects.filter(Exists(named) | Exists(claimant)).order_by("id")

    def location(self, entity: Entity) -> str:
        return reverse("public:entity", args=[entity.pk])


class SeriesSitemap(PagedSitemap):
    changefreq = "weekly"

    def items(self) -> QuerySet[Series]:
        return public_series().order_by("id")

    def location(self, series: Series) -> str:
        return series.public_path()


class TopicSitemap(PagedSitemap):
    """Topic pages with a published claim (a tag only drafts carry has no public page)."""

    changefreq = "weekly"

    def items(self) -> QuerySet[Tag]:
        tagged = Claim.tags.through.objects.filter(tag=OuterRef("pk"), claim__status__in=PUBLIC)
        return Tag.objects.filter(Exists(tagged)).order_by("id")

    def location(self, tag: Tag) -> str:
        return reverse("public:topic", args=[tag.slug])


SITEMAPS = {
    "claims": ClaimSitemap,
    "articles": ArticleSitemap,
    "entities": EntitySitemap,
    "series": SeriesSitemap,
    "topics": TopicSitemap,
}
