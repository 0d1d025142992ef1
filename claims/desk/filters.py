"""The desk's claim filters (claim list and dashboard queues): one django-filter FilterSet instead of two hand-read
query strings. A value that is not one of the choices, or not an id, is ignored, as an empty one is."""

from typing import Any

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, QuerySet

from claims.models import Article, Claim


class IdFilter(django_filters.NumberFilter):
    # An id is a whole number; NumberFilter's default takes any decimal.
    field_class = forms.IntegerField  # type: ignore[assignment]  # any form field; the stubs pin DecimalField


class DeskClaimFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Claim.Status.choices)
    verdict = django_filters.ChoiceFilter(choices=Claim.Verdict.choices)
    kind = django_filters.ChoiceFilter(choices=Claim.Kind.choices)
    article = IdFilter(field_name="article_id")
    entity = IdFilter(method="filter_entity")
    tag = django_filters.CharFilter(method="filter_tag")
    assignee = django_filters.CharFilter(method="filter_assignee")
    q = django_filters.CharFilter(method="filter_q")

    class Meta:
        model = Claim
        fields = ["status", "verdict", "kind", "article", "entity", "tag", "assignee", "q"]

    def filter_q(self, queryset, name, value):
        # Words and numbers of the statement, quote or claimant; numbers in any written form (Claim.search_numbers).
        return queryset.matching(value)

    def filter_tag(self, queryset, name, value):
        return queryset.filter(Exists(Claim.tags.through.objects.filter(claim=OuterRef("pk"), tag__slug=value)))

    def filter_assignee(self, queryset, name, value):
        # "none": nobody has it; else a user id (the list's select sends ids).
        if value == "none":
            return queryset.filter(assignee__isnull=True)
        return queryset.filter(assignee_id=int(value)) if value.isdigit() else queryset

    def filter_entity(self, queryset, name, value):
        # Exists, not a join: a claim naming the entity twice is still listed once.
        return queryset.filter(Exists(Claim.entities.through.objects.filter(claim=OuterRef("pk"), entity=value)))

    def counted_rows(self) -> QuerySet[Any] | None:
        """What the list's count reads instead of the claims (BoundedPaginator's ``counted``): the entity's links
        when the entity is the only filter, as many as the claims listed (a claim names an entity once), counted
        from one index. None otherwise. After ``qs``, which validates the form."""
        chosen = {name: value for name, value in self.form.cleaned_data.items() if value not in (None, "")}
        if list(chosen) != ["entity"]:
            return None
        return Claim.entities.through.objects.filter(entity_id=chosen["entity"])

    @property
    def values(self) -> dict[str, str]:
        """The query's own strings, for the filter form to show what is chosen."""
        data = self.data or {}  # the desk always passes request.GET; the stubs allow None
        return {name: (data.get(name) or "").strip() for name in self.filters}


class DeskArticleFilter(django_filters.FilterSet):
    """The article list's filters, re-run by its bulk form for "all matching"."""

    tag = django_filters.CharFilter(method="filter_tag")
    assignee = django_filters.CharFilter(method="filter_assignee")

    class Meta:
        model = Article
        fields = ["tag", "assignee"]

    def filter_tag(self, queryset, name, value):
        return queryset.filter(Exists(Article.tags.through.objects.filter(article=OuterRef("pk"), tag__slug=value)))

    def filter_assignee(self, queryset, name, value):
        if value == "none":
            return queryset.filter(assignee__isnull=True)
        return queryset.filter(assignee_id=int(value)) if value.isdigit() else queryset

    @property
    def values(self) -> dict[str, str]:
        data = self.data or {}
        return {name: (data.get(name) or "").strip() for name in self.filters}
