"""The reader's "check this" form at /check/ (and /ar/check/): no JavaScript, no third-party captcha.

A submission is answered on the spot with a published fact-check when one matches; otherwise it is filed for the
desk (claims.services.requests). Abuse limits: a per-address rate limit in the shared cache, a honeypot field a
person never sees, and the size limits of claims.limits. Never cached: each page is one reader's answer.
"""

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from claims import limits
from claims.public.views import alternates
from claims.services import requests as request_services
from claims.services.errors import Invalid

#: The honeypot's name: an ordinary-looking field that browsers' autofill leaves alone and people never see.
HONEYPOT = "website"


class CheckForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("The claim you want checked"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
        # The service states the limit in its message; the browser is told too, but the server decides.
        max_length=limits.READER_REQUEST_TEXT_MAX_CHARS,
    )
    url = forms.CharField(
        label=gettext_lazy("Or the address of the page it is on"),
        required=False,
        max_length=2000,
        widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "url", "placeholder": "https://"}),
    )
    contact_email = forms.CharField(
        label=gettext_lazy("Your e-mail, if you want an answer (optional, never published)"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"dir": "ltr", "autocomplete": "email"}),
    )
    website = forms.CharField(
        label=gettext_lazy("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The limit in words the reader reads, not the browser's own message (only seen if the script is bypassed).
        for name in ("text", "url", "contact_email"):
            self.fields[name].error_messages["max_length"] = _(
                "This text is longer than the limit of %(limit_value)d characters. Shorten it and send it again."
            )


def _client_address(request: HttpRequest) -> str:
    # REMOTE_ADDR as the WSGI server saw it; a proxy in front must pass the reader's address in it (docs/requests.md).
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _page(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    response = render(request, template, {"alternates": alternates(request), **context}, status=status)
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _page(request, "public/check.html", {"form": CheckForm()})
    form = CheckForm(request.POST)
    if request_services.rate_limited(address=_client_address(request)):
        form.is_valid()
        form.add_error(None, _("You have sent many requests in the last hour. Please try again later."))
        return _page(request, "public/check.html", {"form": form}, status=429)
    if not form.is_valid():
        return _page(request, "public/check.html", {"form": form}, status=400)
    if form.cleaned_data[HONEYPOT]:
        # A robot filled the field people never see: it is told what a person is told, and nothing is filed.
        return _page(request, "public/check_received.html", {"grouped": False})
    try:
        intake = request_services.submit_request(
            text=form.cleaned_data["text"],
            url=form.cleaned_data["url"],
            contact_email=form.cleaned_data["contact_email"],
            language=translation.get_language() or "en",
        )
    except Invalid as error:
        for field, message in error.errors.items():
            form.add_error(field if field in form.fields else None, message)
        return _page(request, "public/check.html", {"form": form}, status=400)
    if intake.match is not None:
        return _page(
            request, "public/check_answered.html", {"claim": intake.match, "check_url": reverse("public:check")}
        )
    return _page(request, "public/check_received.html", {"grouped": intake.grouped})
