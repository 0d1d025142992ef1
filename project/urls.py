"""URLs: the desk under /desk/, the API under /api/, the admin, health checks, and the public site at the root.

Public pages carry the interface language in the URL: English at /, Arabic under /ar/.
"""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from claims import files, health

urlpatterns = [
    path("admin/", admin.site.urls),
    path("desk/", include("claims.desk.urls")),
    path("api/v1/", include("claims.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Every stored file, for whoever may see it (MEDIA_URL points here); never Django's static file server.
    path("files/<path:name>", files.stored_file, name="stored-file"),
]
urlpatterns += i18n_patterns(path("", include("claims.public.urls")), prefix_default_language=False)
