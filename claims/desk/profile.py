"""The desk member's own settings page (interface language), the desk's language switch, and /ar/desk/."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from claims.desk.access import DeskRequest, desk_member_required
from claims.models import DeskProfile
from claims.services.profiles import chosen_language, set_interface_language


class ProfileForm(forms.Form):
    language = forms.ChoiceField(
        label=gettext_lazy("Interface language"),
        choices=DeskProfile.Language.choices,
        required=False,
        help_text=gettext_lazy("The language the desk speaks to you in, here and in messages sent to you."),
    )


def _with_cookie(response: HttpResponse, language: str) -> HttpResponse:
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
        )
    return response


@desk_member_required
def profile(request: DeskRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, initial={"language": chosen_language(request.user)})
    if request.method == "POST" and form.is_valid():
        language = form.cleaned_data["language"]
        try:
            set_interface_language(user=request.user, language=language)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # The message is worded now, for the next page: in the language just chosen (or the browser's).
            translation.activate(language or translation.get_language_from_request(request))
            response = _with_cookie(redirect("desk:profile"), language)
            messages.success(request, _("Your settings are saved."))
            return response
    return render(request, "desk/profile.html", {"form": form})


@require_POST
@desk_member_required
def switch_language(request: DeskRequest) -> HttpResponse:
    """The footer's language switch on the desk: it saves the choice on the profile, which outranks the cookie."""
    language = request.POST.get("language", "")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        target = "/desk/"
    if language not in {code for code, _name in settings.LANGUAGES}:
        messages.error(request, _("Choose one of the desk's languages."))
        return redirect(target)
    set_interface_language(user=request.user, language=language)
    return _with_cookie(HttpResponseRedirect(target), language)


def language_prefixed(request: HttpRequest, language: str, rest: str = "") -> HttpResponse:
    """/ar/desk/… (a public-site habit: Arabic under /ar/) lands on the same desk page, in Arabic.

    The desk has one address per page; the prefix sets the language cookie and redirects there. A language saved
    on the person's profile still wins, as it does everywhere on the desk.
    """
    target = "/desk/" + rest
    if request.META.get("QUERY_STRING"):
        target += "?" + request.META["QUERY_STRING"]
    return _with_cookie(HttpResponseRedirect(target), language)
