"""Messages the desk builds in Python (refusals of the workflow and the services, flash messages) and the words
reading.js shows come out in the person's interface language: in Arabic on an Arabic desk, with the English
sentence gone. The English ones are asserted where each feature is tested (test_four_eyes, test_bulk, ...)."""

import csv
import io
import json
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from claims.models import Claim, Comment
from claims.services import comments as comment_services
from claims.services.profiles import set_interface_language
from claims.services.workflow import transition_claim
from claims.spreadsheets import COLUMNS
from tests.factories import DEFAULT_TEXT, ArticleFactory, ClaimFactory, EvidenceFactory
from tests.public_helpers import make_claim


def arabic(user):
    set_interface_language(user=user, language="ar")
    return user


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def proposed(claim, by):
    EvidenceFactory(claim=claim)
    return transition_claim(claim=claim, to="in_review", by=by, verdict="false", rationale="The record says so.")


def test_a_reviewer_publishing_their_own_proposal_is_refused_in_arabic(client, reviewer):
    claim = proposed(ClaimFactory(created_by=reviewer, last_editor=reviewer), reviewer)
    client.force_login(arabic(reviewer))
    response = client.post(
        reverse("desk:claim-transition", args=[claim.pk]),
        {"to": "published", "version": claim.version, "verdict": "false", "rationale": "The record says so."},
        follow=True,
    )
    page = response.content.decode()
    assert Claim.objects.get(pk=claim.pk).status == "in_review"
    assert "مبدأ العيون الأربع: أنت آخر من حرّر هذا الادعاء وآخر من كتب الحكم والتعليل" in page
    assert "يجب أن ينشره مراجع آخر: أي مراجع عدا أنت." in page
    assert "Four eyes" not in page and "last to edit" not in page


def test_an_editor_may_not_publish_and_is_told_so_in_arabic(client, editor):
    claim = proposed(ClaimFactory(created_by=editor, last_editor=editor), editor)
    client.force_login(arabic(editor))
    response = client.post(
        reverse("desk:claim-transition", args=[claim.pk]),
        {"to": "published", "version": claim.version, "verdict": "false", "rationale": "The record says so."},
        follow=True,
    )
    page = response.content.decode()
    assert "لا يملك صلاحية النشر إلا مراجع." in page and "Only a reviewer may publish" not in page


def test_a_move_the_workflow_does_not_have_names_the_statuses_in_arabic(client, editor):
    claim = ClaimFactory(created_by=editor)
    client.force_login(arabic(editor))
    response = client.post(
        reverse("desk:claim-transition", args=[claim.pk]), {"to": "published", "version": claim.version}, follow=True
    )
    page = response.content.decode()
    assert "لا يمكن نقل ادعاء حالته «مسودة» إلى «نُشر»" in page and "cannot move to" not in page


def test_a_refused_bulk_status_change_gives_each_reason_in_arabic(client, editor, reviewer):
    ready = proposed(ClaimFactory(created_by=editor, last_editor=editor), editor)
    mine = proposed(ClaimFactory(created_by=reviewer, last_editor=reviewer), reviewer)
    client.force_login(arabic(reviewer))
    response = client.post(
        reverse("desk:claims-bulk"),
        {"scope": "selected", "id": [ready.pk, mine.pk], "action": "status", "to": "published"},
        follow=True,
    )
    refused = {r.pk: r.reason for r in response.context["result"].refused}
    assert set(refused) == {mine.pk}
    assert refused[mine.pk].startswith("مبدأ العيون الأربع: أنت آخر من حرّر هذا الادعاء")
    page = response.content.decode()
    assert refused[mine.pk] in page and "Four eyes" not in page


def test_a_reviewer_who_wrote_the_text_is_refused_as_its_reviewer_in_arabic(client, reviewer):
    claim = ClaimFactory(created_by=reviewer, last_editor=reviewer)
    client.force_login(arabic(reviewer))
    response = client.post(
        reverse("desk:claim-assign", args=[claim.pk]),
        {"assignee": "", "reviewer": str(reviewer.pk), "due": ""},
        follow=True,
    )
    page = response.content.decode()
    assert Claim.objects.get(pk=claim.pk).reviewer is None
    assert "مبدأ العيون الأربع: rev عدّل هذا الادعاء" in page and "Four eyes" not in page


def _sheet(*rows: dict) -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile("claims.csv", out.getvalue().encode(), content_type="text/csv")


def test_an_import_problem_is_named_in_arabic(client, editor):
    client.force_login(arabic(editor))
    row = {
        "article_key": "a1",
        "article_title": "حفتر في موسكو",
        "article_language": "ar",
        "article_text": DEFAULT_TEXT,
        "exact": "ليس في النص",
        "statement": "اقتباس غير موجود",
        "kind": "event",
    }
    response = client.post(reverse("desk:claim-import"), {"file": _sheet(row), "encoding": ""})
    page = response.content.decode()
    assert Claim.objects.count() == 0
    assert "الاقتباس غير موجود في المقال؛ انسخه مجددًا" in page
    assert "The quote does not appear in the article" not in page


def test_duplicate_evidence_is_refused_in_arabic_and_added_evidence_is_announced_in_arabic(client, editor):
    evidence = EvidenceFactory(claim=make_claim(status="draft", verdict=""))
    client.force_login(arabic(editor))
    address = reverse("desk:claim_add_source", args=[evidence.claim_id])
    refused = client.post(address, {"url": evidence.source.url, "stance": "supports"}).content.decode()
    assert "هذا المصدر دليل على هذا الادعاء من قبل" in refused and "already evidence" not in refused
    added = client.post(address, {"url": "https://news.example.org/other", "stance": "supports"}, follow=True)
    assert "دليلًا." in messages_of(added) and "as evidence" not in messages_of(added)


def test_editing_a_comment_after_the_window_is_refused_in_arabic(client, editor, settings):
    settings.COMMENT_EDIT_WINDOW = 15
    comment = comment_services.add_comment(by=editor, claim=ClaimFactory(), body="typo hre")
    Comment.objects.filter(pk=comment.pk).update(created_at=comment.created_at - timedelta(minutes=16))
    client.force_login(arabic(editor))
    response = client.post(reverse("desk:comment-edit", args=[comment.pk]), {"body": "typo here"}, follow=True)
    said = messages_of(response)
    assert "يمكن تعديل التعليق خلال 15 دقيقة من كتابته" in said and "Comments can be edited" not in said
    assert Comment.objects.get(pk=comment.pk).body == "typo hre"


def test_the_history_names_changed_fields_by_their_arabic_label(client, editor):
    claim = ClaimFactory(created_by=editor)
    client.force_login(arabic(editor))
    client.post(
        reverse("desk:claim-edit", args=[claim.pk]),
        {"version": claim.version, "kind": claim.kind, "statement": "صياغة جديدة"},
    )
    page = client.get(reverse("desk:claim", args=[claim.pk])).content.decode()
    changes = re.findall(r'<dl class="changes">(.*?)</dl>', page, re.S)
    assert changes and "<dt>الصياغة</dt>" in changes[0] and "<dt>statement</dt>" not in page


def _reading_strings(page: str) -> dict:
    found = re.search(r'<script id="reading-strings" type="application/json">(.*?)</script>', page, re.S)
    assert found, "the reading view carries its script's words"
    return json.loads(found.group(1))


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_reading_view_gives_its_script_words_in_the_interface_language(client, editor, language):
    article = ArticleFactory()
    set_interface_language(user=editor, language=language)
    client.force_login(editor)
    words = _reading_strings(client.get(article.get_absolute_url()).content.decode())
    if language == "ar":
        assert words["notInText"] == "«{query}» غير موجود في النص."
        assert words["alreadyListed"] == "{name} مُدرج بالفعل."
        assert words["createPerson"] == "أنشئ «{query}» شخصًا جديدًا"
        assert not any("not in the text" in w or "already listed" in w for w in words.values())
    else:
        assert words["notInText"] == "“{query}” is not in the text."
        assert words["createPerson"] == "Create “{query}” as a new person"
