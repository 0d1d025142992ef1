"""A number an editor types into a field: digits in any script (2000, ٢٠٠٠, ۲۰۰۰), grouped with commas, the Arabic
thousands separator or spaces (2,000 · ٢٬٠٠٠ · 2 000), with a decimal point or the Arabic decimal separator
(1.5 · ١٫٥). Words are for `parse_quantity`; here they are refused with a message saying what to type."""

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from claims.arabic.normalization import ascii_digits

#: Group separators an editor may type: comma, Arabic thousands separator, apostrophe, and spaces of any width.
_GROUPING = re.compile(r"[,\u066c'\u2019\s\u00a0\u2009\u202f]")
_DECIMAL_POINTS = str.maketrans({"\u066b": "."})  # Arabic decimal separator
_SHAPE = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def parse_typed_number(raw: object) -> Decimal:
    """The value of ``raw`` (a string or a number); ValueError with a message for the editor otherwise."""
    if isinstance(raw, bool):
        raise ValueError("Enter a number, e.g. 2000 or 1.5.")
    if isinstance(raw, int | float | Decimal):
        text = str(raw)
    else:
        text = _GROUPING.sub("", unicodedata.normalize("NFKC", str(raw))).translate(_DECIMAL_POINTS)
        if not _SHAPE.fullmatch(text):
            raise ValueError("Enter a number, e.g. 2000 or 1.5.")
        text = ascii_digits(text)  # Decimal reads the digits of other scripts itself
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError("Enter a number, e.g. 2000 or 1.5.") from None
    if not number.is_finite():
        raise ValueError("Enter a finite number.")
    if number < 0:
        raise ValueError("Enter a number that is not negative.")
    return number
