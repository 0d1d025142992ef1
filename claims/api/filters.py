"""django-filter FilterSets for the API lists: what a newsroom tool asks for, in the desk's words."""

from datetime import datetime, timedelta
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django_filters.fields import IsoDateTimeField, RangeField
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.widgets import DateRangeWidget
from drf_spectacular.utils import extend_schema_field

from claims.arabic import normalize
from claims.models import Article, Claim, Entity, Evidence, Source, Tag

#: Query parameters the pagination, ordering and rendering read; no FilterSet has a filter by these names.
NOT_FILTERS = frozenset({"page", "page_size", "ordering", "format"})


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, skipped when the query names no filter at all (most list pages).

    Building a FilterSet deep-copies every filter and builds its form (~5 ms a request on the claims lists) to then
    filter nothing; a query with any other parameter goes through it as before, errors included.
    """

    def filter_queryset(self, request, queryset, view) -> QuerySet[Any]:
        if request.query_params.keys() <= NOT_FILTERS:
            return queryset
        return super().filter_queryset(request, queryset, view)


#: The largest id a row can have (a 64-bit primary key).
MAX_ID = 2**63 - 1


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    """A row's id: a whole number the database can compare. A NumberFilter takes any decimal (-2.5e258), which
    SQLite cannot bind (OverflowError) and which says nothing about a row."""

    field_class = forms.IntegerField  # type: ignore[assignment]  # any form field; the stubs pin DecimalField

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, min_value=1, max_value=MAX_ID, **kwargs)


class RealIsoDateTimeField(IsoDateTimeField):
    """ISO 8601 with a UTC offset the database accepts: real offsets stay within ±14 hours."""

    def to_python(self, value) -> datetime | None:
        parsed = super().to_python(value)
        offset = parsed.utcoffset() if parsed is not None else None
        if offset is not None and abs(offset) > timedelta(hours=14):
            raise ValidationError("Give a UTC offset between -14:00 and +14:00.", code="invalid")
        return parsed


class IsoDateTimeRangeField(RangeField):
    widget = DateRangeWidget

    def __init__(self, *args, **kwargs) -> None:
        super().__init__((RealIsoDateTimeField(), RealIsoDateTimeField()), *args, **kwargs)


class DateTimeRangeFilter(django_filters.IsoDateTimeFromToRangeFilter):
    """?<name>_after=...&<name>_before=... in ISO 8601."""

    field_class = IsoDateTimeRangeField  # type: ignore[assignment]  # any form field; the stubs pin theirs


def filter_tag(queryset, name, value) -> QuerySet[Any]:
    """Claims (or articles) with the tag of this slug; Exists, so a row is listed once."""
    through = queryset.model.tags.through
    owner = "claim" if queryset.model is Claim else "article"
    return queryset.filter(Exists(through.objects.filter(**{owner: OuterRef("pk")}, tag__slug=value)))


def filter_member(queryset, name, value) -> QuerySet[Any]:
    """By a desk member's username or id; ``none`` for nobody."""
    if value == "none":
        return queryset.filter(**{f"{name}__isnull": True})
    if value.isascii() and value.isdigit():  # "²" is a digit to str.isdigit() and not to int()
        return queryset.filter(**{f"{name}_id": int(value)})
    return queryset.filter(**{f"{name}__username": value})


class ClaimFilter(django_filters.FilterSet):
    tag = django_filters.CharFilter(method=filter_tag, help_text="Claims with the tag of this slug.")
    assignee = django_filters.CharFilter(
        method=filter_member, help_text="Claims assigned to this username or user id; `none`: unassigned."
    )
    reviewer = django_filters.CharFilter(
        method=filter_member, help_text="Claims this username or user id reviews; `none`: no reviewer yet."
    )
    due = django_filters.DateFromToRangeFilter(help_text="Due date range: due_after, due_before (YYYY-MM-DD).")
    status = django_filters.MultipleChoiceFilter(choices=Claim.Status.choices, distinct=False)
    verdict = django_filters.MultipleChoiceFilter(choices=Claim.Verdict.choices, distinct=False)
    kind = django_filters.MultipleChoiceFilter(choices=Claim.Kind.choices, distinct=False)
    entity = django_filters.ModelChoiceFilter(
        field_name="entities", queryset=Entity.objects.all(), help_text="Claims naming this entity."
    )
    claimant = django_filters.CharFilter(
        method="filter_claimant", help_text="Part of the claimant as the article names them (any case)."
    )
    created = DateTimeRangeFilter(field_name="created_at")
    updated = DateTimeRangeFilter(field_name="updated_at")
    published = DateTimeRangeFilter(field_name="published_at")
    changed_sources = django_filters.BooleanFilter(
        method="filter_changed_sources",
        help_text="true: claims with evidence whose source changed, is gone or failed since it was cited.",
    )
    imported = django_filters.BooleanFilter(
        field_name="revision__origin",
        method="filter_imported",
        help_text="true: claims imported from another desk's ClaimReview.",
    )
    search = django_filters.CharFilter(
        method="filter_search",
        help_text="Words of the statement, quote or claimant; Arabic spelling variants match (normalized). A "
        "number matches in any written form: 2000, 2,000, ٢٠٠٠, ألفين and two thousand are one number, found in the "
        "text and in a quantity's value and bounds.",
    )

    class Meta:
        model = Claim
        fields = ["article", "status", "verdict", "kind", "anchor", "claimant_entity"]

    def filter_changed_sources(self, queryset, name, value) -> QuerySet[Any]:
        shaky = Evidence.objects.filter(claim=OuterRef("pk"), source__health__in=["changed", "gone", "failed"])
        return queryset.filter(Exists(shaky)) if value else queryset.exclude(Exists(shaky))

    def filter_imported(self, queryset, name, value) -> QuerySet[Any]:
        from claims.services.claimreview import IMPORTED

        return queryset.filter(revision__origin=IMPORTED) if value else queryset.exclude(revision__origin=IMPORTED)

    def filter_search(self, queryset, name, value) -> QuerySet[Any]:
        return queryset.matching(value)

    def filter_claimant(self, queryset, name, value) -> QuerySet[Any]:
        # A part of a word, as a word search is: each match's text is tested, so the count has the same bound.
        return queryset.filter(claimant__icontains=value).text_matched()


def entity_links(params) -> QuerySet[Any] | None:
    """The links of ?entity= when it is the query's only filter: as many as the claims listed (a claim names an
    entity once), and counted from one index, where counting the claims reads each one's key too (claims.paging).
    None for any other query. ``params`` are the query's, once ClaimFilter has accepted them."""
    others = {name for name, values in params.lists() if name not in {*NOT_FILTERS, "entity"} and any(values)}
    entity = params.get("entity")  # the last value, as the filter reads it
    if others or not entity:
        return None
    return Claim.entities.through.objects.filter(entity_id=entity)


class PublicClaimFilter(django_filters.FilterSet):
    tag = django_filters.CharFilter(method=filter_tag, help_text="Published claims with the tag of this slug.")
    verdict = django_filters.MultipleChoiceFilter(choices=Claim.Verdict.choices, distinct=False)
    kind = django_filters.MultipleChoiceFilter(choices=Claim.Kind.choices, distinct=False)
    published = DateTimeRangeFilter(field_name="published_at")

    class Meta:
        model = Claim
        fields = ["article", "verdict", "kind"]


class ArticleFilter(django_filters.FilterSet):
    tag = django_filters.CharFilter(method=filter_tag, help_text="Articles with the tag of this slug.")
    assignee = django_filters.CharFilter(
        method=filter_member, help_text="Articles assigned to this username or user id; `none`: unassigned."
    )
    created = DateTimeRangeFilter(field_name="created_at")
    published = django_filters.DateFromToRangeFilter(field_name="published_at")
    search = django_filters.CharFilter(method="filter_search", help_text="Part of the title (any case).")

    class Meta:
        model = Article
        fields = ["language", "direction", "import_state", "publisher"]

    def filter_search(self, queryset, name, value) -> QuerySet[Any]:
        return queryset.filter(title__icontains=value).text_matched()


class SourceFilter(django_filters.FilterSet):
    created = DateTimeRangeFilter(field_name="created_at")
    search = django_filters.CharFilter(method="filter_search")

    class Meta:
        model = Source
        fields = ["kind", "health", "publisher"]

    def filter_search(self, queryset, name, value) -> QuerySet[Any]:
        return queryset.filter(Q(url__icontains=value) | Q(title__icontains=value)).text_matched()


class EntityFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(method="filter_search", help_text="Name or alias, normalized.")

    class Meta:
        model = Entity
        fields = ["kind", "wikidata"]

    def filter_search(self, queryset, name, value) -> QuerySet[Any]:
        return queryset.filter(search_text__contains=normalize(value))


class EvidenceFilter(django_filters.FilterSet):
    # Declared: the generated filter looks up claim__exact, which Django reads as the claim's own field named
    # ``exact`` (the quoted text), so ?claim=N matched nothing.
    claim = django_filters.ModelChoiceFilter(
        queryset=Claim.objects.all(), method="filter_claim", help_text="Evidence for this claim."
    )

    class Meta:
        model = Evidence
        fields = ["claim", "source", "stance", "passage_found"]

    def filter_claim(self, queryset, name, value) -> QuerySet[Any]:
        return queryset.filter(claim=value)


class TagFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(field_name="name", lookup_expr="icontains", help_text="Part of the name.")

    class Meta:
        model = Tag
        fields = ["slug"]
