"""Desk pages for quantity series: the list, a new series, and one series with every estimate (unpublished
claims too), its proposed members to accept or dismiss, editing it, and its CSV."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from claims.arabic import normalize
from claims.desk.access import DeskRequest, desk_member_required
from claims.models import Claim, Entity, Series, SeriesMember
from claims.paging import BoundedPaginator
from claims.services.errors import Invalid
from claims.services.series import (
    EstimatePages,
    SeriesView,
    add_member,
    create_series,
    csv_stream,
    decide_member,
    delete_series,
    queue_series_proposals,
    update_series,
    with_members_state,
)

TABLE_ROWS = 200
#: Proposals and dismissed members shown at once (the best scores first); the rest after deciding these.
DECISIONS_SHOWN = 100


class SeriesForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=300)
    name_en = forms.CharField(label=gettext_lazy("Name in English"), max_length=300, required=False)
    name_ar = forms.CharField(label=gettext_lazy("Name in Arabic"), max_length=300, required=False)
    slug = forms.SlugField(
        label=gettext_lazy("Public address"),
        max_length=80,
        required=False,
        help_text=gettext_lazy("/series/<address>/; made from the English name when left empty."),
    )
    subject = forms.CharField(
        label=gettext_lazy("What is counted"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("In the words claims use; members are proposed from them."),
    )
    entity = forms.CharField(
        label=gettext_lazy("Who is counted (entity)"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("An entity's name or alias, or its number."),
    )
    unit = forms.CharField(label=gettext_lazy("Unit"), max_length=100, required=False)
    place = forms.CharField(label=gettext_lazy("Place"), max_length=200, required=False)
    description = forms.CharField(
        label=gettext_lazy("Description for readers"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def clean_entity(self) -> Entity | None:
        text = self.cleaned_data["entity"].strip()
        if not text:
            return None
        found = Entity.objects.filter(pk=int(text)) if text.isdigit() else Entity.objects.none()
        entity = found.first() or Entity.objects.filter(search_text__contains=normalize(text)).order_by("pk").first()
        if entity is None:
            raise forms.ValidationError(_("No entity on file has this name or number."))
        return entity

    def fields_for_service(self) -> dict:
        data = dict(self.cleaned_data)
        data["names"] = {k: v for k, v in (("en", data.pop("name_en")), ("ar", data.pop("name_ar"))) if v}
        return data

    @classmethod
    def initial_for(cls, series: Series) -> dict:
        return {
            "name": series.name,
            "name_en": series.names.get("en", ""),
            "name_ar": series.names.get("ar", ""),
            "slug": series.slug,
            "subject": series.subject,
            "entity": series.entity.name if series.entity else "",
            "unit": series.unit,
            "place": series.place,
            "description": series.description,
        }


def _save_from_form(request: DeskRequest, form: SeriesForm, series: Series | None) -> Series | None:
    """The series saved, or None with the service's refusals on the form (what was typed is kept)."""
    if not form.is_valid():
        return None
    try:
        if series is None:
            return create_series(by=request.user, **form.fields_for_service())
        return update_series(series=series, by=request.user, **form.fields_for_service())
    except Invalid as error:
        for field, message in error.errors.items():
            form.add_error(field if field in form.fields else None, message)
        return None


@desk_member_required
@require_http_methods(["GET", "POST"])
def series_list(request: DeskRequest) -> HttpResponse:
    # 1 query: the series with their member counts by state (2 more for the paginator's count when paged).
    rows = Series.objects.select_related("entity").annotate(
        accepted=Count("members", filter=Q(members__state="accepted")),
        proposed=Count("members", filter=Q(members__state="proposed")),
    )
    form = SeriesForm(request.POST or None)
    if request.method == "POST":
        series = _save_from_form(request, form, None)
        if series is not None:
            messages.success(request, _("Series created; members are being proposed from its words and entity."))
            return redirect(series.get_absolute_url())
    page = BoundedPaginator(rows.order_by("name", "id"), 50).get_page(request.GET.get("page"))
    return render(request, "desk/series_list.html", {"page": page, "form": form}, status=400 if form.errors else 200)


@desk_member_required
@require_GET
def series_detail(request: DeskRequest, pk: int) -> HttpResponse:
    series = get_object_or_404(with_members_state(Series.objects.select_related("entity"), public=False), pk=pk)
    return _detail(request, series, SeriesForm(initial=SeriesForm.initial_for(series)))


def _detail(request: DeskRequest, series: Series, form: SeriesForm, status: int = 200) -> HttpResponse:
    # Queries, whatever the number of members: 1 the series with the state of its members; 2, 3 the estimates
    # shown (or all of them once per state, for the cached order and chart: SeriesView); 4 the proposals with
    # their claims; 5 the dismissed ones; (+ session and user).
    view = SeriesView(series, public=False)
    decided = SeriesMember.objects.filter(series=series).select_related("claim").order_by("-score", "id")
    context = {
        "series": series,
        "chart": view.index.chart,
        "page": Paginator(EstimatePages(view), TABLE_ROWS).get_page(request.GET.get("page")),
        "proposals": list(decided.filter(state="proposed")[:DECISIONS_SHOWN]),
        "dismissed": list(decided.filter(state="dismissed")[:DECISIONS_SHOWN]),
        "csv_url": reverse("desk:series-csv", args=[series.pk]),
        "public_url": series.public_path() if view.index.any_public else "",
        "form": form,
        "public": False,
    }
    return render(request, "desk/series_detail.html", context, status=status)


@desk_member_required
@require_POST
def series_edit(request: DeskRequest, pk: int) -> HttpResponse:
    series = get_object_or_404(Series.objects.select_related("entity"), pk=pk)
    form = SeriesForm(request.POST)
    if _save_from_form(request, form, series) is None:
        series.refresh_from_db()
        return _detail(request, series, form, status=400)
    messages.success(request, _("Series saved."))
    return redirect(series.get_absolute_url())


@desk_member_required
@require_POST
def series_delete(request: DeskRequest, pk: int) -> HttpResponse:
    series = get_object_or_404(Series, pk=pk)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick “Yes, delete it” to delete the series."))
        return redirect(f"{series.get_absolute_url()}#edit")
    delete_series(series=series, by=request.user)
    messages.success(request, _("Series deleted; its claims are kept."))
    return redirect("desk:series-list")


@desk_member_required
@require_POST
def series_decide(request: DeskRequest, pk: int, member_pk: int) -> HttpResponse:
    """Accept (`accept=1`) a proposed claim into the series, or dismiss it (`accept=0`)."""
    member = get_object_or_404(SeriesMember, series_id=pk, pk=member_pk)
    answer = request.POST.get("accept")
    if answer not in ("0", "1"):
        return HttpResponse(_("Choose Accept or Dismiss."), status=400, content_type="text/plain; charset=utf-8")
    decide_member(member=member, by=request.user, accept=answer == "1")
    return redirect(f"{reverse('desk:series', args=[pk])}#proposals")


@desk_member_required
@require_POST
def series_add(request: DeskRequest, pk: int) -> HttpResponse:
    """Put a claim in the series by its number: for a member matching did not propose."""
    series = get_object_or_404(Series, pk=pk)
    number = request.POST.get("claim", "").strip().lstrip("#")
    claim = Claim.objects.filter(pk=int(number)).first() if number.isdigit() else None
    try:
        add_member(series=series, claim=claim, by=request.user)
    except Invalid as error:
        messages.error(request, " ".join(error.errors.values()))
    else:
        messages.success(request, _("Claim #%(id)s added to the series.") % {"id": number})
    return redirect(f"{series.get_absolute_url()}#members")


@desk_member_required
@require_POST
def series_propose(request: DeskRequest, pk: int) -> HttpResponse:
    series = get_object_or_404(Series, pk=pk)
    queue_series_proposals(series_id=series.pk)
    messages.info(request, _("Looking for claims that count this; reload the page in a moment."))
    return redirect(f"{series.get_absolute_url()}#proposals")


@desk_member_required
@require_GET
def series_csv(request: DeskRequest, pk: int) -> StreamingHttpResponse:
    series = get_object_or_404(with_members_state(Series.objects.all(), public=False), pk=pk)
    response = StreamingHttpResponse(
        csv_stream(SeriesView(series, public=False)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{series.slug}.csv"'
    return response
