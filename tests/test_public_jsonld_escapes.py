"""The claim page's JSON-LD is escaped exactly as Django's json_script escapes JSON for a <script> element."""

import json
import re

from django.utils.html import json_script
from hypothesis import given
from hypothesis import strategies as st

from claims.public.views import SCRIPT_ESCAPES


@given(st.text(alphabet=st.sampled_from("<>&/!-'\"\\ sطxصr\u2028")))
def test_script_escapes_are_those_of_json_script(text):
    value = {"claimReviewed": text, "url": "https://example.org/?a=1&b=<2>"}
    element = json_script(value)
    inside = re.fullmatch(r'<script type="application/json">(.*)</script>', element, re.S).group(1)
    # json_script escapes every non-ASCII character too; with the same ASCII escaping both texts are equal.
    assert json.dumps(value).translate(SCRIPT_ESCAPES) == inside
    kept = json.dumps(value, ensure_ascii=False).translate(SCRIPT_ESCAPES)
    assert json.loads(kept) == value
    assert not set("<>&") & set(kept)
