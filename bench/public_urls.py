"""The project's URLs plus /bench/minimal/, the baseline: a Django view that returns a few bytes, through the same
middleware, in the same gunicorn as the claim pages it is compared with."""

from django.http import HttpResponse
from django.urls import path

from project.urls import urlpatterns as project_urlpatterns


def minimal(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/minimal/", minimal), *project_urlpatterns]
