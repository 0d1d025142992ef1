"""sitemap.xml: an index of sitemaps, one section each for the published claim pages, in both interface languages,
and the articles, entities, series and topics they name, each paged at the protocol's 50,000 addresses.

A page reads only its own rows: Django's i18n sitemap makes a list of every (item, language) pair of the whole
table for each page it serves; ``LazyPairs`` counts once and cuts the page's slice out of the query instead.
"""

import math
from collections.abc import Iterator
from datetime import datetime
from typing import Any, cast

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.urls import reverse

from claims.models import Article, Claim, Entity, Series, Tag
from claims.services.series import public_series

#: The sitemap protocol's limit of addresses per file (sitemaps.org).
ADDRESSES_PER_PAGE = 50_000


class LazyPairs:
    """The (item, language) pairs of an ordered queryset, as a paginator wants them: a count (one COUNT query)
    and slices (one query for the rows of that slice)."""

    def __init__(self, queryset: QuerySet[Any], languages: list[str]):
        self.queryset, self.languages = queryset, languages
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            self._count = self.queryset.count() * len(self.languages)
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[tuple[Any, str]]:
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("LazyPairs are read in slices")
        per_item = len(self.languages)
        start, stop = index.start or 0, index.stop if index.stop is not None else self.count()
        first, last = start // per_item, math.ceil(stop / per_item)
        pairs = [(item, language) for item in self.queryset[first:last] for language in self.languages]
        offset = start - first * per_item
        return pairs[offset : offset + (stop - start)]

    def __iter__(self) -> Iterator[tuple[Any, str]]:
        return iter(self[0 : self.count()])


class PagedSitemap(Sitemap):
    """A section in every interface language, read a page at a time."""

    i18n = True
    alternates = True
    limit = ADDRESSES_PER_PAGE

    def _items(self) -> LazyPairs:
        languages = self.languages or [code for code, _name in settings.LANGUAGES]  # Sitemap._languages()
        return LazyPairs(self.items(), list(languages))

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
        return Article.objects.filter(pk__in=Claim.objects.published().values("article_id")).order_by("id")

    def location(self, article: Article) -> str:
        return reverse("public:article", args=[article.pk])


class EntitySitemap(PagedSitemap):
    changefreq = "weekly"

    def items(self) -> QuerySet[Entity]:
        published = Claim.objects.published()
        return Entity.objects.filter(
            Q(pk__in=published.values("entities")) | Q(pk__in=published.values("claimant_entity"))
        ).order_by("id")

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
        tagged = Claim.tags.through.objects.filter(tag=OuterRef("pk"), claim__in=Claim.objects.published())
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
