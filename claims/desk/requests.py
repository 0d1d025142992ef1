"""Desk pages for reader requests ("check this"): the list, grouped and counted, newest first, by state; one
request, to answer with a claim, dismiss, or take on as an article to select the claim in."""

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from claims import limits
from claims.desk.access import DeskRequest, desk_member_required
from claims.models import Claim, ReaderRequest
from claims.paging import BoundedPaginator
from claims.services import requests as request_services
from claims.services.errors import Invalid

PAGE_ROWS = 50


class DecisionForm(forms.Form):
    action = forms.ChoiceField(choices=[("answer", "answer"), ("dismiss", "dismiss"), ("take_on", "take on")])
    claim = forms.IntegerField(
        label=gettext_lazy("Claim that answers it (its number)"), required=False, min_value=1, max_value=2**31 - 1
    )
    note = forms.CharField(
        label=gettext_lazy("Note for the desk (internal)"),
        required=False,
        max_length=limits.READER_REQUEST_NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("action") == "answer":
            pk = data.get("claim")
            claim = Claim.objects.filter(pk=pk).first() if pk else None
            if claim is None:
                self.add_error("claim", _("Give the number of the claim that answers this request."))
            data["claim_obj"] = claim
        return data


@desk_member_required
@require_GET
def request_list(request: DeskRequest) -> HttpResponse:
    state = request.GET.get("state", ReaderRequest.State.OPEN)
    if state not in ReaderRequest.State.values and state != "all":
        state = ReaderRequest.State.OPEN
    # 1 query for the page of requests with their matched claims (2 with the paginator's count when paged).
    rows = ReaderRequest.objects.select_related("matched_claim").order_by("-last_seen_at", "-id")
    if state != "all":
        rows = rows.filter(state=state)
    page = BoundedPaginator(rows, PAGE_ROWS).get_page(request.GET.get("page"))
    states = [("all", _("All")), *ReaderRequest.State.choices]
    return render(
        request,
        "desk/request_list.html",
        {"page": page, "state": state, "states": states, "filters": {"state": state}},
    )


@desk_member_required
@require_http_methods(["GET", "POST"])
def request_detail(request: DeskRequest, pk: int) -> HttpResponse:
    reader_request = get_object_or_404(
        ReaderRequest.objects.select_related("matched_claim", "article", "decided_by"), pk=pk
    )
    form = DecisionForm(request.POST or None, initial={"note": reader_request.note})
    if request.method == "POST":
        if form.is_valid():
            try:
                return redirect(_decide(request, reader_request, form.cleaned_data))
            except Invalid as error:
                for field, message in error.errors.items():
                    form.add_error(field if field in form.fields else None, message)
        return render(request, "desk/request_detail.html", {"item": reader_request, "form": form}, status=400)
    return render(request, "desk/request_detail.html", {"item": reader_request, "form": form})


def _decide(request: DeskRequest, reader_request: ReaderRequest, data: dict) -> str:
    """Apply the decision; the address to go to next (the new article when the request was taken on)."""
    note = data.get("note") or None
    if data["action"] == "answer":
        request_services.answer_request(request=reader_request, by=request.user, claim=data["claim_obj"], note=note)
        messages.success(request, _("Marked as answered."))
    elif data["action"] == "dismiss":
        request_services.dismiss_request(request=reader_request, by=request.user, note=note)
        messages.success(request, _("Request dismissed."))
    else:
        taken = request_services.take_on_request(request=reader_request, by=request.user)
        messages.success(request, _("Taken on: an article was made of it; select the claim in it."))
        return taken.article.get_absolute_url() if taken.article else reader_request.get_absolute_url()
    return reader_request.get_absolute_url()
