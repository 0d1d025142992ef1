"""The API's JSON parser: DRF's, refusing with a 400 what no view could handle: a body nested deeper than any
record (Python's json, the serializers and the database's encoder recurse per level), and NUL characters (which
PostgreSQL cannot store in text or JSON, in a key or in a value)."""

import json
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

#: Deepest nesting a body may have. The deepest real one is a ClaimReview record (review → item → author → …,
#: under ten levels); past this, serializers, deep copies and the database's JSON encoder would recurse on it.
MAX_DEPTH = 32


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:  # Python's json recurses per level and gives up deep inside (~1,000 levels)
            raise ParseError(self.too_deep()) from None
        check_parsed(data)
        return data

    @staticmethod
    def too_deep() -> str:
        return _("JSON parse error: the body is nested more than %(limit)d levels deep.") % {"limit": MAX_DEPTH}


def check_parsed(data) -> None:
    """Raise ParseError if parsed JSON nests past MAX_DEPTH or holds a NUL character; walked without recursion."""
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, str):
            if "\x00" in value:
                raise ParseError(_("JSON parse error: the body contains a NUL character (\\u0000); remove it."))
            continue
        if isinstance(value, dict):
            children = [*value.keys(), *value.values()]
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > MAX_DEPTH:
            raise ParseError(JSONParser.too_deep())
        pending.extend((child, depth + 1) for child in children)


def loads(text: str) -> Any:
    """json.loads with the same nesting limit, for JSON that arrives as an uploaded file; ValueError if not JSON."""
    try:
        data = json.loads(text)
    except RecursionError:
        raise ParseError(JSONParser.too_deep()) from None
    check_parsed(data)
    return data
