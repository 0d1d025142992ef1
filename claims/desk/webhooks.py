"""Webhooks on the desk, for its admins: register partner URLs, switch them off or on, and read every delivery
with its attempts."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from claims.desk.access import DeskRequest, role_required
from claims.models import Webhook
from claims.paging import BoundedPaginator
from claims.services import webhooks as service
from claims.workflow import Role

admin_required = role_required(Role.ADMIN)


@admin_required
def webhook_list(request: DeskRequest) -> HttpResponse:
    form: dict[str, object] = {"url": "", "events": list(Webhook.Event.values), "description": ""}
    error = ""
    if request.method == "POST":
        url, events = request.POST.get("url", ""), request.POST.getlist("events")
        description = request.POST.get("description", "")
        form = {"url": url, "events": events, "description": description}
        try:
            webhook = service.register_webhook(url=url, events=events, by=request.user, description=description)
        except service.WebhookRefused as exc:
            error = exc.reason
        else:
            messages.success(request, _("Webhook registered. Its secret is shown on its page."))
            return redirect("desk:webhook", pk=webhook.pk)
    return render(
        request,
        "desk/webhooks.html",
        {"webhooks": Webhook.objects.order_by("id"), "events": Webhook.Event.choices, "form": form, "error": error},
        status=400 if error else 200,
    )


@admin_required
def webhook_detail(request: DeskRequest, pk: int) -> HttpResponse:
    webhook = get_object_or_404(Webhook, pk=pk)
    error = ""
    if request.method == "POST" and "delete" in request.POST:
        service.delete_webhook(webhook=webhook)
        messages.success(request, _("Webhook deleted."))
        return redirect("desk:webhooks")
    if request.method == "POST":
        try:
            service.update_webhook(
                webhook=webhook,
                url=request.POST.get("url", webhook.url),
                events=request.POST.getlist("events") if "events-shown" in request.POST else None,
                active=request.POST.get("active") == "1" if "active" in request.POST else None,
            )
        except service.WebhookRefused as exc:
            error = exc.reason
        else:
            messages.success(request, _("Webhook saved."))
            return redirect("desk:webhook", pk=webhook.pk)
    page = BoundedPaginator(webhook.deliveries.order_by("-created_at", "-id"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "desk/webhook_detail.html",
        {"webhook": webhook, "page": page, "events": Webhook.Event.choices, "error": error, "filters": {}},
        status=400 if error else 200,
    )
