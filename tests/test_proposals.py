"""Claims proposed in an article's text, the pure core (claims.proposals): clauses, kinds, pre-filled fields,
attendees from the registry, relative dates, speakers and transcripts; every selector anchors to its text."""

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from claims import anchoring
from claims.checkworthiness import score
from claims.details import clean_details
from claims.proposals import Registry, RegistryEntry, fingerprint, propose

REGISTRY = Registry(
    [
        RegistryEntry(1, ("خليفة حفتر", "حفتر", "Khalifa Haftar", "Haftar"), "person", "Khalifa Haftar"),
        RegistryEntry(2, ("سيرغي شويغو", "شويغو", "Shoigu"), "person", "Sergei Shoigu"),
        RegistryEntry(3, ("سيرغي لافروف", "لافروف", "Lavrov"), "person", "Sergei Lavrov"),
        RegistryEntry(4, ("موسكو", "Moscow"), "place", "Moscow"),
        RegistryEntry(5, ("فاغنر", "مجموعة فاغنر", "Wagner"), "organisation", "Wagner Group"),
        RegistryEntry(6, ("رجب طيب أردوغان", "أردوغان", "Erdogan"), "person", "Recep Tayyip Erdoğan"),
    ]
)
PUBLISHED = dt.date(2020, 1, 11)  # a Saturday


def only(text, **kwargs):
    found = propose(text, published=PUBLISHED, registry=REGISTRY, **kwargs)
    assert len(found) == 1, [(p.kind, p.exact) for p in found]
    return found[0]


def test_an_estimate_in_number_words_is_a_quantity_of_about_two_thousand():
    text = "وعقب هذه الزيارة، كشفت تقارير عن وجود جنود مرتزقة لمجموعة فاغنر في ليبيا ويقدر عددهم بحوالي ألفين."
    proposal = only(text)
    assert proposal.kind == "quantity"
    assert proposal.exact.startswith("كشفت تقارير") and proposal.exact.endswith("بحوالي ألفين")
    assert proposal.details["value"] == 2000 and proposal.details["approximate"] is True
    assert proposal.details["unit"] == "soldiers"
    assert 5 in proposal.entities


def test_a_range_in_digits_keeps_both_bounds_and_its_unit():
    proposal = only("Officials said that between 200 and 300 fighters crossed the border on Monday.")
    assert proposal.kind == "quantity"
    assert proposal.details["lower"] == 200 and proposal.details["upper"] == 300
    assert proposal.details["unit"] == "fighters" and "value" not in proposal.details


def test_a_meeting_lists_its_attendees_from_the_registry_with_clitics_stripped():
    proposal = only("عام 2018 زار حفتر موسكو والتقى وزير الدفاع سيرغي شويغو ولافروف.")
    assert proposal.kind == "meeting"
    assert proposal.details["attendees"] == [
        {"entity": 1, "name": "Khalifa Haftar"},
        {"entity": 2, "name": "Sergei Shoigu"},
        {"entity": 3, "name": "Sergei Lavrov"},
    ]
    assert proposal.details["date"] == "2018" and proposal.details["place"] == "Moscow"
    assert proposal.details["channel"] == "in_person"


def test_an_english_meeting_by_video_link():
    proposal = only("Shoigu met Haftar by video link to discuss medical supplies.")
    assert proposal.kind == "meeting" and proposal.details["channel"] == "video"
    assert [a["entity"] for a in proposal.details["attendees"]] == [2, 1]


def test_an_event_resolves_its_relative_date_against_the_publication_date():
    proposal = only("وفي المقابل، رفضت مليشيات خليفة حفتر، الجمعة، المبادرة التركية الروسية.")
    assert proposal.kind == "event"
    assert proposal.exact == "رفضت مليشيات خليفة حفتر، الجمعة، المبادرة التركية الروسية"
    assert proposal.details["date"] == "2020-01-10" and proposal.details["date_text"] == "الجمعة"
    assert proposal.details["who"] == ["Khalifa Haftar"]


def test_last_april_is_the_april_before_the_publication_date():
    proposal = only("وتشن ميليشيات حفتر، منذ 4 أبريل/ نيسان الماضي، هجوما للسيطرة على العاصمة.")
    assert proposal.details["date"] == "2019-04-04"


def test_without_a_publication_date_relative_dates_are_left_for_the_editor():
    found = propose("رفضت مليشيات خليفة حفتر، الجمعة، المبادرة التركية الروسية.", registry=REGISTRY)
    assert found[0].kind != "event" or "date" not in found[0].details


def test_a_lead_in_date_counts_but_is_not_quoted():
    proposal = only("والأربعاء، دعا الرئيس التركي رجب طيب أردوغان، في بيان، إلى وقف لإطلاق النار في ليبيا.")
    assert proposal.kind == "quote" and proposal.exact.startswith("دعا")
    assert proposal.details["speaker"] == "Recep Tayyip Erdoğan"
    assert proposal.details["date"] == "2020-01-08"
    assert proposal.claimant == "Recep Tayyip Erdoğan" and proposal.claimant_entity == 6


def test_a_statement_names_its_speaker_and_what_was_said():
    proposal = only("قالت السلطات الروسية، إن رجل الأعمال شارك لتنظيم برنامج الوفد الليبي.")
    assert proposal.kind == "quote"
    assert proposal.details["speaker"] == "السلطات الروسية"
    assert proposal.details["words"] == "رجل الأعمال شارك لتنظيم برنامج الوفد الليبي"


def test_an_english_speaker_before_the_verb():
    proposal = only("Lavrov said that Russia had no soldiers in Libya at all.")
    assert proposal.kind == "quote" and proposal.details["speaker"] == "Sergei Lavrov"
    assert proposal.details["words"] == "Russia had no soldiers in Libya at all"


def test_an_unnamed_claimant_makes_an_attributed_allegation_not_a_quote():
    proposal = only("ويتحدث البعض عن أنه عميل للاستخبارات المركزية الأمريكية.")
    assert proposal.kind == "other" and proposal.claimant.startswith("البعض")


def test_a_hedge_is_flagged_and_lowers_the_score():
    plain = only("Haftar funds the Wagner company in Syria and Ukraine today.")
    hedged = only("Haftar reportedly funds the Wagner company in Syria and Ukraine today.")
    assert hedged.hedge == "reportedly" and plain.hedge == ""
    assert hedged.score < plain.score


def test_an_opinion_is_proposed_with_its_holder_and_ranked_low():
    found = propose(
        "يرى خبراء ومراقبون أن روسيا تتعمد استنساخ نظام جديد في ليبيا مع حفتر. كشفت تقارير أن 300 مقاتل وصلوا.",
        published=PUBLISHED,
        registry=REGISTRY,
    )
    assert [p.kind for p in found] == ["quantity", "opinion"]
    assert found[1].details["holder"] == "خبراء ومراقبون"


def test_transcript_lines_give_their_speaker_as_claimant():
    text = "MODERATOR: Welcome to the debate tonight.\nSMITH: We built 4,000 new homes in 2019.\nJONES: That is wrong."
    found = {p.exact: p for p in propose(text, registry=REGISTRY)}
    homes = found["We built 4,000 new homes in 2019"]
    assert homes.kind == "quantity" and homes.claimant == "SMITH"
    assert homes.details["value"] == 4000 and homes.details["as_of"] == "2019"
    welcome = found["Welcome to the debate tonight"]
    assert welcome.kind == "quote" and welcome.details["speaker"] == "MODERATOR"


def test_one_colon_line_is_not_a_transcript():
    found = propose("المصدر: الأناضول ووكالات", registry=REGISTRY)
    assert all(p.claimant != "المصدر" for p in found)


def test_every_proposal_has_details_a_claim_would_accept():
    text = open_demo_like()
    for proposal in propose(text, published=PUBLISHED, registry=REGISTRY):
        details = {k: v for k, v in proposal.details.items() if k != "attendees"}
        assert clean_details(proposal.kind, details) == details


def test_the_fingerprint_ignores_spelling_variants_but_not_the_kind():
    assert fingerprint("الإتصال المغلقة", "meeting") == fingerprint("الاتصال المغلقه", "meeting")
    assert fingerprint("الإتصال المغلقة", "meeting") != fingerprint("الإتصال المغلقة", "event")


def test_checkworthiness_rises_with_numbers_and_names_and_falls_with_questions_and_opinions():
    claim = score("The minister said 300 soldiers arrived in Tripoli on Monday.", language="en")
    assert claim > score("Did anyone arrive?", language="en")
    assert claim > score("I think this is the best plan.", language="en")
    assert 0 <= score("", language="ar") <= score("قال الوزير إن 300 جندي وصلوا", language="ar") <= 1


def open_demo_like() -> str:
    return (
        "استُقبل حفتر في موسكو وأجرى لقاءات مع وزير الدفاع سيرغي شويغو ووزير الخارجية سيرغي لافروف.\n"
        "كما زار حفتر في 2017 حاملة الطائرات الروسية التي تقوم بمهام في البحر المتوسط، واستقبل أيضا الوفد.\n"
        "وفي تسعينيات القرن الماضي اضطر حفتر للجوء الى الولايات المتحدة، ويتحدث البعض عن أنه عميل.\n"
        "The ministry said 1,200 people were displaced between March and May 2021."
    )


WORDS = ["حفتر", "التقى", "شويغو", "قال", "إن", "ألفين", "بحوالي", "عام", "2018", "الجمعة", "met", "said", "Haftar"]
PUNCTUATION = [" ", " ", " ", "، ", ". ", "\n", "؟ ", "؛ ", ": ", "“", "”", "«", "»"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(WORDS), st.sampled_from(PUNCTUATION), st.text(max_size=6)), max_size=60))
def test_every_selector_anchors_exactly_to_its_text(parts):
    text = "".join(parts)
    for proposal in propose(text, published=PUBLISHED, registry=REGISTRY):
        assert text[proposal.start : proposal.end] == proposal.exact
        resolved = anchoring.resolve_selector(text, proposal.selector)
        assert (resolved.start, resolved.end) == (proposal.start, proposal.end)
        assert 0 <= proposal.score <= 1
