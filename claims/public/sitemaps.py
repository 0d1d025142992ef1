"""sitemap.xml: every published claim page, in both interface languages, plus the articles, entities, series and
topics they name."""

from datetime import datetime
from typing import cast

from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse

from claims.models import Article, Claim, Entity, Series, Tag
from claims.services.series import public_series


class ClaimSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    changefreq = "weekly"
    limit = 20000

    def items(self) -> QuerySet[Claim]:
        return Claim.objects.published().only("id", "statement", "statement_en", "status", "updated_at").order_by("id")

    def location(self, claim: Claim) -> str:
        return cast(str, claim.public_url)  # items() are published: each has one

    def lastmod(self, claim: Claim) -> datetime:
        return claim.updated_at


class ArticleSitemap(Sitemap):
    i18n = True
    alternates = True
    changefreq = "monthly"

    def items(self) -> QuerySet[Article]:
        return Article.objects.filter(pk__in=Claim.objects.published().values("article_id")).order_by("id")

    def location(self, article: Article) -> str:
        return reverse("public:article", args=[article.pk])


class EntitySitemap(Sitemap):
    i18n = True
    alternates = True
    changefreq = "weekly"

    def items(self) -> QuerySet[Entity]:
        published = Claim.objects.published()
        return Entity.objects.filter(
            Q(pk__in=published.values("entities")) | Q(pk__in=published.values("claimant_entity"))
        ).order_by("id")

    def location(self, entity: Entity) -> str:
        return reverse("public:entity", args=[entity.pk])


class SeriesSitemap(Sitemap):
    i18n = True
    alternates = True
    changefreq = "weekly"

    def items(self) -> QuerySet[Series]:
        return public_series().order_by("id")

    def location(self, series: Series) -> str:
        return series.public_path()


class TopicSitemap(Sitemap):
    """Topic pages with a published claim (a tag only drafts carry has no public page)."""

    i18n = True
    alternates = True
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
