"""Query budgets of the entity pages and their API: the same number of queries for 5 meetings as for 50, each
query named where the view is (claims/public/entities.py, claims/desk/entities.py, claims/services/dossiers.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import EntityFactory, make_meetings
from tests.public_helpers import fresh_cache  # noqa: F401 (autouse)

pytestmark = pytest.mark.django_db

#: Address pattern, who asks, and the most queries it may take.
SURFACES = [
    # entity, public?, timeline count + page + attendees, record 5 (about, count, made, count, verdicts), the series
    # about the entity
    ("/entities/{pk}/", "anonymous", 11),
    ("/entities/{pk}/?status=disputed&from=2001", "anonymous", 11),
    # entity, public?, pairs, entities, meetings count
    ("/entities/{pk}/meetings/graph/", "anonymous", 5),
    ("/entities/{pk}/feed.atom", "anonymous", 3),
    # the desk adds the session and the user, and its header the unread-notifications count
    ("/desk/entities/{pk}/", "editor", 14),
    ("/desk/entities/{pk}/meetings/graph/", "editor", 8),
    ("/api/v1/public/entities/{pk}/", "anonymous", 7),
    ("/api/v1/public/entities/{pk}/meetings/", "anonymous", 5),
    # token, user, groups, entity, count, page, attendees
    ("/api/v1/entities/{pk}/meetings/", "editor", 7),
    ("/api/v1/entities/{pk}/record/", "editor", 9),
]


def queries(client, address: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address)
    assert response.status_code == 200, (address, response.content[:300])
    return len(captured)


@pytest.mark.parametrize(("pattern", "who", "budget"), SURFACES)
def test_queries_do_not_grow_with_the_number_of_meetings(client, api, editor, pattern, who, budget):
    focus = EntityFactory(name="Focus")
    if who == "editor":
        client.force_login(editor)
    asking = api if pattern.startswith("/api/v1/entities") else client
    address = pattern.format(pk=focus.pk)
    make_meetings(focus, 5)
    make_meetings(focus, 3, status="in_review")
    few = queries(asking, address)
    make_meetings(focus, 45)
    many = queries(asking, address)
    assert few == many <= budget, (few, many)


def test_a_thousand_meetings_stay_bounded_on_the_page_and_in_the_graph(client):
    focus = EntityFactory(name="Focus")
    make_meetings(focus, 1000, pool=400)
    page = client.get(f"/entities/{focus.pk}/").content.decode()
    assert page.count('class="meeting"') == 20 and "Page 1 of 50" in page and 'rel="next"' in page
    graph = client.get(f"/entities/{focus.pk}/meetings/graph/").content.decode()
    assert graph.count('<g class="meeting-node">') == 12
    assert graph.count('<th scope="row">') == 50 and "and 350 more" in graph
