"""The desk's inbox of notifications (mark read or unread, mark all read, follow the link) and each person's
choice of which events reach them and how."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from claims.desk.access import DeskRequest, desk_member_required
from claims.models import Notification, NotificationPreference
from claims.paging import BoundedPaginator
from claims.services import notifications as service

PAGE_SIZE = 50


@desk_member_required
def inbox(request: DeskRequest) -> HttpResponse:
    notifications = service.inbox(request.user)
    unread_only = request.GET.get("read") == "false"
    if unread_only:
        notifications = notifications.filter(read=False)
    page = BoundedPaginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    for notification in page:
        notification.message = service.describe(notification)
    return render(
        request,
        "desk/notifications.html",
        {"page": page, "unread_only": unread_only, "filters": {"read": "false"} if unread_only else {}},
    )


def _back(request: DeskRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("desk:notifications")


@desk_member_required
@require_POST
def mark(request: DeskRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(service.inbox(request.user), pk=pk)
    service.set_read(notification=notification, read=request.POST.get("read", "1") == "1")
    return _back(request)


@desk_member_required
@require_POST
def mark_all(request: DeskRequest) -> HttpResponse:
    marked = service.mark_all_read(user=request.user)
    messages.success(request, _("%(count)d notifications marked read.") % {"count": marked})
    return _back(request)


@desk_member_required
def preferences(request: DeskRequest) -> HttpResponse:
    current = service.preferences_of(request.user)
    errors: list[str] = []
    if request.method == "POST":
        chosen = {
            event: (request.POST.get(f"{event}-channel", channel), request.POST.get(f"{event}-timing", timing))
            for event, (channel, timing) in current.items()
        }
        try:
            service.set_preferences(user=request.user, choices=chosen)
        except ValueError:
            errors.append(_("Choose how each event reaches you from the lists."))
            current = chosen  # keep what was chosen on the form
        else:
            messages.success(request, _("Your notification settings are saved."))
            return redirect("desk:notification-settings")
    rows = [(value, label, *current[value]) for value, label in Notification.Event.choices]
    return render(
        request,
        "desk/notification_settings.html",
        {
            "rows": rows,
            "channels": NotificationPreference.Channel.choices,
            "timings": NotificationPreference.Timing.choices,
            "errors": errors,
            "has_email": bool(request.user.email),
        },
        status=400 if errors else 200,
    )
