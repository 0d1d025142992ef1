"""Request middleware: request ids for the logs, health probes before the host check, the 413 answer."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from claims.request_id import request_id_var

if TYPE_CHECKING:  # for the annotations only: this module imports Django lazily, inside the functions
    from django.http import HttpRequest, HttpResponse
    from django.http.response import HttpResponseBase

    GetResponse = Callable[[HttpRequest], HttpResponseBase]


class RequestIdMiddleware:
    """Take the proxy's X-Request-ID when it sends a sane one, else make one; echo it in the response."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request) -> HttpResponseBase:  # untyped request: it gets a request_id attribute
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming if incoming.isascii() and 0 < len(incoming) <= 64 else uuid.uuid4().hex
        request.request_id = rid
        token = request_id_var.set(rid)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = rid
        return response


class HealthCheckMiddleware:
    """Answer /healthz and /readyz before the host check and the HTTPS redirect: a load balancer probes each web
    process by its address over plain HTTP, and must get the health, not a 400 or a redirect. First in the stack.
    The URLconf names the same views (``healthz``, ``readyz``) for reverse() and the permission matrix.
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        from claims import health

        view = {"/healthz": health.healthz, "/readyz": health.readyz}.get(request.path_info)
        return view(request) if view else self.get_response(request)


class RequestTooLargeMiddleware:
    """Answer 413 with the limit, in words, when a request's body is over limits.request_body_max_bytes().

    Django raises RequestDataTooBig wherever request.POST is first read (the CSRF check, here), which would answer
    a bare 400. Forms are parsed here, just after CsrfViewMiddleware read the CSRF cookie and before it checks the
    token, so the 413 page can carry a working upload form; files in a multipart body are not counted, which is why
    a text too large to paste can be uploaded. Other bodies (JSON) are refused by their declared length unread.
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        from django.core.exceptions import RequestDataTooBig

        from claims import limits

        if request.method in ("POST", "PUT", "PATCH"):
            if request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
                try:
                    request.POST  # noqa: B018 -- parsing is the check; views read the parsed copy
                except RequestDataTooBig:
                    return _too_large(request, limits.request_body_max_bytes())
            elif _declared_length(request) > limits.request_body_max_bytes():
                return _too_large(request, limits.request_body_max_bytes())
        return self.get_response(request)


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _too_large(request: HttpRequest, limit: int) -> HttpResponse:
    from django.http import JsonResponse
    from django.shortcuts import render
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from claims import limits

    size = _declared_length(request)
    message = _(
        "What you sent is %(size)s; a form or an API request may carry at most %(limit)s of text. "
        "Longer texts are uploaded as a file."
    ) % {"size": limits.human_size(size), "limit": limits.human_size(limit)}
    if request.path_info.startswith("/api/") or "json" in request.headers.get("Accept", ""):
        return JsonResponse({"detail": message, "limit_bytes": limit}, status=413)
    article_new = reverse("desk:article-new")
    return render(
        request,
        "413.html",
        {
            "message": message,
            "upload_url": article_new if request.path_info == article_new else None,
            "upload_limit": limits.human_size(limits.article_upload_max_bytes()),
        },
        status=413,
    )


class DeskLanguageMiddleware:
    """Speak the desk in each person's interface language, after the session and the user are known.

    The public site carries its language in the URL (/ English, /ar/ Arabic), so LocaleMiddleware pins unprefixed
    paths to the default language. Under /desk/ the person's profile choice wins, then the language cookie (the
    language switch sets it), then Accept-Language, then the default.
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        from django.utils import translation

        from claims.services import profiles

        if request.path_info.startswith("/desk/"):
            chosen = profiles.chosen_language(request.user)
            language = chosen or translation.get_language_from_request(request)
            translation.activate(language)
            request.LANGUAGE_CODE = language
            if not chosen and request.user.is_authenticated:
                profiles.note_browser_language(user=request.user, language=language)
        return self.get_response(request)
