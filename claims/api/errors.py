"""Map service exceptions to HTTP answers with plain, field-level messages (never a 500 for bad input)."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext
from django.views.defaults import page_not_found
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from claims.services.errors import ClaimGone, ClaimLocked, Invalid, ProposalDecided, RevisionRefused, StaleVersion
from claims.workflow import TransitionRefused


def exception_handler(exc, context) -> Response | None:
    if isinstance(exc, Invalid):
        return Response(exc.errors, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, TransitionRefused | RevisionRefused):
        return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, StaleVersion):
        from claims.api.serializers import ClaimSerializer

        current = ClaimSerializer(exc.current, context=context).data
        return Response({"detail": str(exc), "current": current}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, ClaimLocked | ProposalDecided):
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, ClaimGone):
        return Response({"detail": str(exc)}, status=status.HTTP_404_NOT_FOUND)
    return drf_exception_handler(exc, context)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The site's 404 (settings' handler404): an address under /api/ that no route matches (a series slug with a
    dot, say) answers JSON like every other API error, as the schema documents; other addresses get the page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": gettext("Not found.")}, status=404)
    return page_not_found(request, exception)
