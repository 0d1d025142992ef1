"""URLs: the desk under /desk/, the API under /api/, the admin, health checks, and the public site at the root.

Public pages carry the interface language in the URL: English at /, Arabic under /ar/.
"""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from claims import files, health
from claims.api.errors import not_found
from claims.desk import profile
from claims.public.views import archive_key

handler404 = not_found

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
    # The public half of the key that signs every WACZ (claims.fetching.wacz), one address in every language.
    path("archive-key.pem", archive_key, name="archive-key"),
]
# /ar/desk/… is the public site's habit applied to the desk: it sets the language and lands on the one desk address.
for code in (code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE):
    urlpatterns += [
        path(f"{code}/desk/", profile.language_prefixed, {"language": code}, name=f"desk-prefixed-{code}"),
        path(
            f"{code}/desk/<path:rest>", profile.language_prefixed, {"language": code}, name=f"desk-prefixed-{code}-page"
        ),
    ]
urlpatterns += i18n_patterns(path("", include("claims.public.urls")), prefix_default_language=False)
