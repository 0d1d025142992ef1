"""Status and verdict ids as the desk names them, in the interface language (the ids stay the API's)."""

from django import template
from django.utils.html import json_script
from django.utils.safestring import SafeString
from django.utils.translation import gettext, gettext_noop

from claims.fetching.reasons import in_language as reason_in_language
from claims.workflow import PUBLIC_TEXT, STATUS_LABELS, VERDICTS, Status

register = template.Library()

#: How the history names the fields it lists as changed (gettext message ids); others show their id's words.
FIELD_LABELS = {
    **PUBLIC_TEXT,
    "kind": gettext_noop("kind"),
    "status": gettext_noop("status"),
    "correction": gettext_noop("correction"),
    "claimant": gettext_noop("claimant"),
    "claimant_entity": gettext_noop("claimant entity"),
    "claimed_on": gettext_noop("claimed on"),
    "details": gettext_noop("details"),
    "attendees": gettext_noop("attendees"),
    "evidence": gettext_noop("evidence"),
    "source": gettext_noop("source"),
    "stance": gettext_noop("stance"),
    "note": gettext_noop("note"),
    "assignee": gettext_noop("assignee"),
    "reviewer": gettext_noop("reviewer"),
    "due": gettext_noop("due date"),
    "tags": gettext_noop("tags"),
    "title": gettext_noop("title"),
    "text": gettext_noop("text"),
    "url": gettext_noop("URL"),
    "publisher": gettext_noop("publisher"),
    "published_on": gettext_noop("published on"),
    "public_revision": gettext_noop("revision readers see"),
    "statement_language": gettext_noop("statement language"),
}


@register.filter
def in_language(text: str) -> str:
    """A stored fetch, capture, import or delivery failure reason (written in English) in the reader's language."""
    return reason_in_language(text or "")


@register.filter
def field_label(name: str) -> str:
    """A changed field's name as the desk shows it: ``statement`` is "statement" in English, "الصياغة" in Arabic."""
    return gettext(FIELD_LABELS[name]) if name in FIELD_LABELS else name.replace("_", " ")


@register.filter
def status_label(status: str) -> str:
    return gettext(STATUS_LABELS[Status(status)]) if status in STATUS_LABELS else status


@register.filter
def verdict_label(verdict: str) -> str:
    return gettext(VERDICTS[verdict].label_en) if verdict in VERDICTS else verdict


@register.filter
def verdict_definition(verdict: str) -> str:
    return gettext(VERDICTS[verdict].definition_en) if verdict in VERDICTS else ""


@register.simple_tag
def reading_strings() -> SafeString:
    """What reading.js says to the user, in the interface language, as a JSON script element it reads.

    ``{name}``-style placeholders are filled in by the script (an entity's name, the words searched for)."""
    return json_script(
        {
            "alreadyListed": gettext("{name} is already listed."),
            "added": gettext("Added {name}."),
            "entityFailed": gettext("The entity could not be created."),
            "createPerson": gettext("Create “{query}” as a new person"),
            "deskMembers": gettext("Desk members"),
            "selected": gettext("Selected {count} characters ({start}–{end})."),
            "selectHint": gettext("Select words in the article with the mouse, or find them with the keyboard."),
            "textLabel": gettext("Article text: Shift+arrows select, Enter creates a claim, Escape leaves"),
            "notInText": gettext("“{query}” is not in the text."),
        },
        "reading-strings",
    )
