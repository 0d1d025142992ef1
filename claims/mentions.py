"""@mentions in a desk comment: finding the usernames a body names, and rendering the body as safe HTML with
each resolved mention as a badge. Plain Python (no ORM): the comments service resolves names to users."""

import re
from collections.abc import Iterable

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

#: ``@`` then a Django username (letters, digits, ``_.@+-``), not inside a word or an e-mail address. A trailing
#: dot or hyphen ends a sentence ("ask @rev."), not the name.
MENTION = re.compile(r"(?<![\w@])@([\w.@+-]+)")


def _trim(name: str) -> str:
    return name.rstrip(".-+@")


def mentioned_names(body: str) -> list[str]:
    """The usernames ``body`` mentions, each once, in the order written."""
    seen: dict[str, None] = {}
    for match in MENTION.finditer(body):
        name = _trim(match.group(1))
        if name:
            seen.setdefault(name, None)
    return list(seen)


def render_body(body: str, mentions: Iterable[str]) -> SafeString:
    """``body`` escaped, line breaks kept, and each ``@name`` of ``mentions`` (resolved usernames, matched without
    regard to case, as the service resolves them) as a badge.

    Everything the author typed is escaped first; only the badge markup this function writes is HTML."""
    known = {name.lower() for name in mentions}
    out: list[str] = []
    last = 0
    for match in MENTION.finditer(body):
        name = _trim(match.group(1))
        if name.lower() not in known:
            continue
        out.append(escape(body[last : match.start()]))
        out.append(format_html('<span class="mention" dir="ltr">@{}</span>', name))
        last = match.start() + 1 + len(name)
    out.append(escape(body[last:]))
    html = "".join(out).replace("\r\n", "\n").replace("\n", "<br>")
    return mark_safe(html)  # noqa: S308  # every piece above was escaped or built by format_html
