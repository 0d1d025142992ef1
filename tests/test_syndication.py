"""Telling that two sites carry the same story (claims.syndication): canonical URLs, and simhashes of the
Arabic-normalized text within the Hamming threshold."""

from claims import syndication
from tests.feedsupport import OTHER_STORY, STORY, STORY_COPY, THIRD_STORY


def test_republished_agency_copy_is_the_same_story():
    assert syndication.same_story(syndication.fingerprint(STORY), syndication.fingerprint(STORY_COPY))


def test_spelling_variants_and_diacritics_do_not_count_as_changes():
    varied = STORY.replace("أن", "ان").replace("إلى", "الى").replace("قالت", "قالَت")
    assert syndication.distance(syndication.fingerprint(STORY), syndication.fingerprint(varied)) <= 2


def test_different_stories_on_the_same_country_stay_far_apart():
    prints = [syndication.fingerprint(text) for text in (STORY, OTHER_STORY, THIRD_STORY)]
    for n, first in enumerate(prints):
        for second in prints[n + 1 :]:
            assert syndication.distance(first, second) > 3 * syndication.HAMMING_THRESHOLD


def test_a_short_text_has_no_fingerprint():
    assert syndication.fingerprint("خبر قصير من سطر واحد") is None
    assert not syndication.same_story(None, syndication.fingerprint(STORY))


def test_fingerprints_fit_a_signed_bigint():
    for text in (STORY, OTHER_STORY, THIRD_STORY, STORY_COPY):
        value = syndication.fingerprint(text)
        assert -(2**63) <= value < 2**63


def test_canonical_urls_drop_tracking_and_fragments():
    one = syndication.canonical_url("HTTPS://Site.Example:443/a/1?utm_source=x&id=3#top")
    assert one == syndication.canonical_url("https://site.example/a/1?id=3")
    assert syndication.canonical_url("javascript:alert(1)") == "" and syndication.canonical_url("") == ""
    assert len(syndication.url_key(one)) == 64 and syndication.url_key("") == ""
