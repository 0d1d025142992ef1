"""A desk member's own settings: for now the interface language the desk speaks to them in."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DeskProfile(models.Model):
    class Language(models.TextChoices):
        BROWSER = "", _("Follow my browser")
        ENGLISH = "en", "English"
        ARABIC = "ar", "العربية"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="desk_profile")
    # '' follows the browser (the language cookie, then Accept-Language); a code overrides both.
    language = models.CharField(max_length=8, blank=True, default="", choices=Language.choices)
    # The language the desk last answered in while following the browser: what mail and other messages sent
    # outside a request use for someone who chose no language.
    seen_language = models.CharField(max_length=8, blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user} ({self.language or 'browser'})"
