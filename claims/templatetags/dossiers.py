"""Display helpers shared by the desk's and the public entity pages: meeting channels, attendance, numbers."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from claims.workflow import VERDICTS, Verdict

register = template.Library()

CHANNEL_LABELS = {
    "in_person": _("In person"),
    "video": _("Video link"),
    "phone": _("Phone"),
    "written": _("In writing"),
    "unknown": _("Channel unknown"),
}
ATTENDANCE_LABELS = {
    "confirmed": _("confirmed"),
    "disputed": _("disputed"),
    "unverified": _("unverified"),
}


@register.filter
def channel_label(value: str) -> str:
    return str(CHANNEL_LABELS.get(value, value))


@register.filter
def attendance_label(value: str) -> str:
    return str(ATTENDANCE_LABELS.get(value, value))


@register.filter
def grouped(value: int) -> str:
    """A count for a label, grouped as the interface language writes it (1,234 in English, 1.234 in Arabic)."""
    return number_format(value, force_grouping=True)


@register.filter
def period(value: str) -> str:
    """A meeting's date or period as stored ("2016/2020") as readers read it ("2016–2020")."""
    return (value or "").replace("/", "–")


@register.simple_tag
def attendance_statuses() -> list[tuple[str, str]]:
    return [(k, str(v)) for k, v in ATTENDANCE_LABELS.items()]


@register.filter
def name_in(entity, language: str) -> str:
    return entity.name_in(language)


@register.filter
def verdict_info(verdict_id: str) -> Verdict | None:
    return VERDICTS.get(verdict_id)


@register.filter
def language_label(code: str) -> str:
    """The language's name in the interface language ("Arabic", "العربية"), or its code when Django does not know it."""
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code
