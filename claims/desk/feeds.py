"""Monitored feeds and the inbox on the desk: any desk member subscribes to a publisher's feed (with its
interval and optional keyword and entity filters), reads each feed's health, pauses it or polls it now; the
inbox lists the stories the feeds brought, one per story with the sites that carried it, to take or dismiss."""

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from claims.desk.access import DeskRequest, desk_member_required
from claims.fetching.reasons import in_language
from claims.models import Feed, FeedEntry, InboxItem
from claims.paging import BoundedPaginator
from claims.services import feeds as service
from claims.services import inbox

INBOX_PAGE = 50


def _health(feed: Feed) -> Feed:
    feed.error_shown = in_language(feed.last_error)  # type: ignore[attr-defined]
    feed.per_day = service.items_per_day(feed)  # type: ignore[attr-defined]
    return feed


def _form_of(request: DeskRequest, keys: dict[str, str]) -> dict[str, str]:
    return {key: request.POST.get(key, "").strip() for key in keys}


@desk_member_required
def feed_list(request: DeskRequest) -> HttpResponse:
    form = {"url": "", "name": "", "interval_minutes": "30", "keywords": "", "entities": ""}
    error, field = "", ""
    if request.method == "POST":
        form = _form_of(request, form)
        try:
            feed = service.add_feed(
                url=form["url"],
                name=form["name"],
                interval_minutes=form["interval_minutes"],  # type: ignore[arg-type]  # checked by the service
                keywords=form["keywords"],
                entities=service.entities_named(form["entities"]),
                by=request.user,
            )
        except service.FeedRefused as exc:
            error, field = exc.reason, exc.field
        else:
            messages.success(request, _("Feed added; its first poll is queued."))
            return redirect("desk:feed", pk=feed.pk)
    rows = [_health(feed) for feed in service.with_health(Feed.objects.order_by("-active", "name", "url", "id"))]
    return render(
        request,
        "desk/feeds.html",
        {"feeds": rows, "form": form, "error": error, "error_field": field},
        status=400 if error else 200,
    )


@desk_member_required
def feed_detail(request: DeskRequest, pk: int) -> HttpResponse:
    feed = get_object_or_404(Feed, pk=pk)
    error, field = "", ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "poll":
                service.poll_now(feed=feed)
                messages.success(request, _("A poll is queued."))
            elif action in ("pause", "resume"):
                service.update_feed(feed=feed, active=action == "resume")
                messages.success(request, _("Polling resumed.") if action == "resume" else _("Polling paused."))
            elif action == "delete":
                service.delete_feed(feed=feed)
                messages.success(request, _("The feed is no longer monitored; its inbox items stay."))
                return redirect("desk:feeds")
            else:
                service.update_feed(
                    feed=feed,
                    name=request.POST.get("name", feed.name),
                    interval_minutes=request.POST.get("interval_minutes", feed.interval_minutes),  # type: ignore[arg-type]
                    keywords=request.POST.get("keywords", feed.keywords),
                    entities=service.entities_named(request.POST.get("entities", "")),
                )
                messages.success(request, _("Feed saved."))
        except service.FeedRefused as exc:
            error, field = exc.reason, exc.field
        else:
            return redirect("desk:feed", pk=feed.pk)
    feed = _health(service.with_health(Feed.objects.filter(pk=feed.pk)).get())
    entities = list(feed.entities.order_by("name"))
    entries = FeedEntry.objects.filter(feed=feed).select_related("inbox_item").order_by("-created_at", "-id")[:50]
    return render(
        request,
        "desk/feed_detail.html",
        {
            "feed": feed,
            "entities": entities,
            "entities_text": "\n".join(entity.name for entity in entities),
            "entries": entries,
            "error": error,
            "error_field": field,
            "form": request.POST if error else None,
        },
        status=400 if error else 200,
    )


@desk_member_required
def inbox_list(request: DeskRequest) -> HttpResponse:
    state = request.GET.get("state", InboxItem.State.NEW)
    items = InboxItem.objects.select_related("article", "decided_by").order_by("-created_at", "-id")
    if state in InboxItem.State.values:
        items = items.filter(state=state)
    else:
        state = "all"
    feed_id = request.GET.get("feed", "")
    if feed_id.isdigit():
        items = items.filter(entries__feed_id=int(feed_id)).distinct()
    copies = FeedEntry.objects.select_related("feed").order_by("id")
    page = BoundedPaginator(items.prefetch_related(Prefetch("entries", queryset=copies)), INBOX_PAGE).get_page(
        request.GET.get("page")
    )
    states = [(code, label) for code, label in InboxItem.State.choices] + [("all", _("All"))]
    filters = {"state": state, **({"feed": feed_id} if feed_id.isdigit() else {})}
    return render(
        request,
        "desk/inbox.html",
        {"page": page, "state": state, "states": states, "filters": filters, "next": request.get_full_path()},
    )


@desk_member_required
def inbox_decide(request: DeskRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(InboxItem, pk=pk)
    if request.method != "POST":
        return redirect("desk:inbox")
    try:
        item = inbox.decide_inbox_item(item=item, state=request.POST.get("state", ""), by=request.user)
    except inbox.InboxRefused as exc:
        messages.error(request, exc.reason)
    else:
        done = {
            InboxItem.State.TAKEN: _("You took the item: its article is yours to work on."),
            InboxItem.State.DISMISSED: _("Item dismissed."),
            InboxItem.State.NEW: _("Item put back in the inbox."),
        }
        messages.success(request, done[InboxItem.State(item.state)])
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/desk/inbox/") else "desk:inbox")
