"""The interface language each desk member reads the desk in: their own choice, else what their browser asks for.

``interface_language(user)`` is the one answer, for requests and for anything sent outside one (mail, notices).
"""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.utils.translation import gettext as _

from claims.models import DeskProfile

LANGUAGES = frozenset(code for code, _name in settings.LANGUAGES)


def _profile(user: User) -> DeskProfile | None:
    # The desk's auth backend loads the profile with the user (select_related), so this costs no query there.
    try:
        return user.desk_profile
    except ObjectDoesNotExist:
        return None


def chosen_language(user: User | AnonymousUser) -> str:
    """The language the person chose on their profile, or '' when they follow their browser."""
    if not user.is_authenticated:
        return ""
    profile = _profile(user)
    return profile.language if profile else ""


def interface_language(user: User) -> str:
    """The language to speak to ``user`` in: their choice, else the one their browser last got, else the default."""
    profile = _profile(user)
    if profile is None:
        return settings.LANGUAGE_CODE
    return profile.language or profile.seen_language or settings.LANGUAGE_CODE


def set_interface_language(*, user: User, language: str) -> DeskProfile:
    """Save the person's choice ('' = follow the browser)."""
    if language and language not in LANGUAGES:
        raise ValidationError({"language": _("Choose one of the desk's languages, or your browser's.")})
    profile, _created = DeskProfile.objects.get_or_create(user=user)
    profile.language = language
    profile.save(update_fields=["language", "updated_at"])
    user.desk_profile = profile
    return profile


def note_browser_language(*, user: User, language: str) -> None:
    """Remember the language a browser-following person was last answered in, writing only when it changed.

    No profile reads as the default language, so most people never get a row written by this.
    """
    profile = _profile(user)
    seen = profile.seen_language if profile else settings.LANGUAGE_CODE
    if profile is not None and profile.language:
        return
    if (seen or settings.LANGUAGE_CODE) == language:
        return
    profile, _created = DeskProfile.objects.update_or_create(user=user, defaults={"seen_language": language})
    user.desk_profile = profile
