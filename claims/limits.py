"""How much text and how large a file a user may send: one home for every limit, used by the services (which
enforce them), the desk forms, the API serializers and docs/limits.md (which lists them all).

Lengths are in Unicode code points (Python's ``len``), the unit of the selectors; sizes are in bytes. The two
request-size limits an operator may tune are settings (read from the environment in project/settings.py);
the rest are the product's choice, fixed here.
"""

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

#: An article's text, pasted, uploaded or fetched: a long report is ~200,000 characters; ten times that is an
#: accident (a whole site's dump), and anchoring and re-anchoring grow with it.
ARTICLE_TEXT_MAX_CHARS = 2_000_000
#: The neutral restatement of a claim (and its English one): a sentence or a short paragraph.
CLAIM_STATEMENT_MAX_CHARS = 2_000
#: The quoted span of the article a claim points at (its selector's `exact`), and its prefix and suffix.
CLAIM_QUOTE_MAX_CHARS = 5_000
#: Who asserts the claim (the model's column is this wide).
CLAIMANT_MAX_CHARS = 300
#: A verdict's written rationale: room for a long explanation, not for a pasted article.
RATIONALE_MAX_CHARS = 20_000
#: The comment on a transition and a correction's public note.
COMMENT_MAX_CHARS = 5_000
#: An evidence passage quoted from a source, and the note beside it.
EVIDENCE_PASSAGE_MAX_CHARS = 10_000
#: Similar-claims scoring reads this much of a claim's statement and quote, so scoring one claim against its
#: candidates costs the same whatever was pasted into it.
MATCHING_TEXT_MAX_CHARS = 1_000
#: Claims one bulk action (desk or API) may touch: each status change is its own transaction, so a larger
#: selection would hold a request for minutes; narrow the filters instead.
BULK_MAX_CLAIMS = 5_000
#: What a reader asks the desk to check ("check this"): a claim in a sentence or a short paragraph.
READER_REQUEST_TEXT_MAX_CHARS = 2_000
#: The desk's internal note on a reader request.
READER_REQUEST_NOTE_MAX_CHARS = 5_000


def request_body_max_bytes() -> int:
    """A form's body without its files (Django's DATA_UPLOAD_MAX_MEMORY_SIZE); JSON bodies get the same bound."""
    return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


def article_upload_max_bytes() -> int:
    return int(settings.ARTICLE_UPLOAD_MAX_BYTES)


def human_size(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB" if n >= 1_048_576 else f"{n / 1024:.1f} KB"


def too_long(value: str | None, limit: int) -> str | None:
    """The message for a text over `limit` characters, or None: says the limit and how far over it is."""
    if value is None or len(value) <= limit:
        return None
    return _("This text is %(length)s characters long; the limit is %(limit)s. Shorten it and send it again.") % {
        "length": f"{len(value):,}",
        "limit": f"{limit:,}",
    }


def check_lengths(values: Mapping[str, Any], limits: Mapping[str, int]) -> dict[str, str]:
    """Field name -> message for each of `values` over its limit in `limits` (fields without one are skipped)."""
    errors = {}
    for name, limit in limits.items():
        message = too_long(values.get(name) or "", limit)
        if message:
            errors[name] = message
    return errors
