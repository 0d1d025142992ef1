"""An entity's meetings: the timeline and "who met whom", on the desk (every claim) and in public (published only)."""

import re

import pytest

from claims.models import Claim, Entity
from tests.factories import ArticleFactory, ClaimFactory, EntityFactory
from tests.public_helpers import fresh_cache  # noqa: F401 (autouse)

pytestmark = pytest.mark.django_db


def haftar():
    return Entity.objects.get(wikidata="Q1740441")


@pytest.fixture
def desk(client, editor):
    client.force_login(editor)
    return client


def test_the_public_timeline_shows_the_published_meeting_with_its_attendees_and_verdict(client, demo):
    body = client.get(f"/entities/{haftar().pk}/").content.decode()
    section = body[body.index('id="meetings"') : body.index('id="record"')]
    assert "Sergei Shoigu" in section and "Valery Gerasimov" in section and "Moscow" in section
    assert "In person" in section and "Accurate" in section and "2018" in section
    # Prigozhin's meeting is in review, Lavrov's is being researched: neither is public.
    assert "Prigozhin" not in section and "Lavrov" not in section


def test_the_desk_timeline_shows_every_meeting_with_prigozhin_disputed(desk, demo):
    body = desk.get(f"/desk/entities/{haftar().pk}/").content.decode()
    section = body[body.index('id="meetings"') : body.index('id="record"')]
    assert "Yevgeny Prigozhin" in section and "Sergei Lavrov" in section
    prigozhin = section[section.index("Yevgeny Prigozhin") :]
    assert prigozhin.index("disputed") < prigozhin.index("</li>")
    assert "organise the delegation" in prigozhin
    assert "4 meeting claims" in section


def test_the_timeline_filters_by_attendance_status_and_period(desk, demo):
    address = f"/desk/entities/{haftar().pk}/"
    disputed = desk.get(address, {"status": "disputed"}).content.decode()
    assert "1 meeting claim." in disputed and "Yevgeny Prigozhin" in disputed
    in_2018 = desk.get(address, {"from": "2018-11", "to": "2018-11"}).content.decode()
    # 2018 (a year) and 2018-11 overlap November 2018; 2016/2020 does too; the undated video call does not.
    assert "3 meeting claims" in in_2018
    assert "1 meeting claim." in desk.get(address, {"from": "2019"}).content.decode()


def test_a_bad_filter_is_reported_in_the_readers_language_and_kept(client, demo):
    address = f"/ar/entities/{haftar().pk}/"
    response = client.get(address, {"from": "last year", "status": "maybe"})
    body = response.content.decode()
    assert response.status_code == 200 and 'value="last year"' in body and 'aria-invalid="true"' in body
    assert "أدخل تاريخًا" in body and "اختر مؤكَّد" in body
    assert "سيرغي شويغو" in body  # the bad filters are not applied, the names are in Arabic


def test_the_public_graph_draws_only_published_meetings(client, demo):
    body = client.get(f"/entities/{haftar().pk}/meetings/graph/").content.decode()
    svg = body[body.index("<svg") : body.index("</svg>")]
    assert "Sergei Shoigu" in svg and "Valery Gerasimov" in svg
    assert "Prigozhin" not in body and "Lavrov" not in body
    assert svg.count('class="meeting-edge edge-confirmed"') == 2


def test_the_desk_graph_weighs_shoigu_by_three_meetings_and_dashes_prigozhin(desk, demo):
    body = desk.get(f"/desk/entities/{haftar().pk}/meetings/graph/").content.decode()
    table = body[body.index("<table") : body.index("</table>")]
    rows = re.findall(r"<tr><th scope=\"row\">.*?</tr>", table, re.S)
    assert "Sergei Shoigu" in rows[0] and "<td>3</td>" in rows[0]
    assert 'edge-disputed" ' in body and 'stroke-dasharray="8 5"' in body


@pytest.mark.parametrize("language, grouped", [("en", "1,234"), ("ar", "1,234"), ("fr", "1\xa0234")])
def test_graph_coordinates_stay_numbers_and_labels_are_localized(client, language, grouped):
    """French (for every locale writing 3.5 as 3,5) must not reach coordinates. Labels follow the language; the
    desk's Arabic groups thousands as English does (project/formats/ar)."""
    from django.template.loader import render_to_string
    from django.utils import translation

    from claims.graphs import Neighbour, layout
    from claims.services.dossiers import GraphData, MeetingFilters

    focus, other = EntityFactory(name="Focus"), EntityFactory(name="Other")
    neighbours = [Neighbour(other.pk, "Other", {"confirmed": 1234}), Neighbour(other.pk + 1, "Third", {"disputed": 1})]
    data = GraphData(layout(focus.pk, "Focus", neighbours), [(other, neighbours[0])], 0, 1235)
    context = {
        "data": data,
        "filters": MeetingFilters(),
        "entity_view": "public:entity",
        "entity_url": "/",
        "graph_action": "/",
    }
    with translation.override(language):
        html = render_to_string("includes/dossiers/meetings_graph.html", context)
    svg = html[html.index("<svg") : html.index("</svg>")]
    coordinates = re.findall(r'\b(?:x|y|x1|x2|y1|y2|cx|cy|r|stroke-width)="([^"]*)"', svg)
    assert coordinates and all(re.fullmatch(r"-?\d+(\.\d+)?", c) for c in coordinates), coordinates
    assert any("." in c for c in coordinates)  # decimals there are, written with a point
    assert f"Other: {grouped}" in svg and f"<td>{grouped}</td>" in html


def test_an_unpublished_meeting_is_no_row_edge_or_count_in_public(client):
    article = ArticleFactory()
    focus, seen, hidden = (
        EntityFactory(name="Focus Person"),
        EntityFactory(name="Seen Person"),
        EntityFactory(name="Hidden Person"),
    )
    meetings = []
    for status, other in (("published", seen), ("in_review", hidden)):
        claim = ClaimFactory(
            article=article, kind="meeting", status=status, verdict="accurate", details={"date": "2019"}
        )
        claim.attendees.create(entity=focus, status="confirmed")
        claim.attendees.create(entity=other, status="confirmed")
        claim.entities.add(focus, other)
        meetings.append(claim)
    Claim.objects.filter(pk=meetings[0].pk).update(published_at="2020-01-01T00:00Z")
    for address in (f"/entities/{focus.pk}/", f"/entities/{focus.pk}/meetings/graph/"):
        body = client.get(address).content.decode()
        assert "Seen Person" in body and "Hidden Person" not in body, address
        assert "1 meeting" in body and "2 meeting" not in body, address
    assert client.get(f"/entities/{hidden.pk}/").status_code == 404
    assert client.get(f"/entities/{hidden.pk}/meetings/graph/").status_code == 404
