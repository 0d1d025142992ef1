"""Every desk page renders in Arabic, right to left, with no English interface words left over.

The pages are the demo desk's (an Arabic article, claims of each kind, sources, captures); the English labels
listed below are the desk's own words, so finding one means a template string escaped translation.
"""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from claims.models import Capture, Claim, Evidence, Source
from claims.services.profiles import set_interface_language

#: Interface words of the desk, as they read in English; none may appear on an Arabic desk page.
ENGLISH_LABELS = [
    "Inbox",
    "Monitored feeds",
    "Items per day",
    "Poll now",
    "Carried by",
    "Last error",
    "Articles",
    "Claims",
    "Public site",
    "Log out",
    "Status",
    "Verdict",
    "Kind",
    "Filter",
    "Clear",
    "Awaiting review",
    "Sent back",
    "Mine",
    "Nothing in progress",
    "New article",
    "Title",
    "Publisher",
    "Language",
    "Direction",
    "Edit text",
    "New claim",
    "Create claim",
    "Claims in this article",
    "Source",
    "Stance",
    "Passage",
    "Evidence",
    "History",
    "Workflow",
    "Captures",
    "Capture again",
    "Retry",
    "Not checked yet",
    "Add evidence",
    "Add a source",
    "Web address",
    "Save",
    "Cancel",
    "Statement",
    "Claimant",
    "Attendees",
    "Similar claims",
    "Rationale",
    "Comment",
    "Submit",
    "Edit claim",
    "Delete this claim",
    "Interface language",
    "Your settings",
    "approximate",
    "subject",
    "unit",
    "True",
    "False",
    "None",
    "Previous",
    "Next",
    "Requested",
    "Final address",
    "Main text",
    "code points",
    "Why it failed",
]
SKIP_TAGS = {"script", "style"}
TEXT_ATTRS = {"title", "placeholder", "aria-label", "alt"}


class _VisibleText(HTMLParser):
    """The words a person reads or hears: text outside scripts, labels in attributes; not user content (lang=en)."""

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, bool]] = []
        self.words: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        foreign = bool(self.stack and self.stack[-1][1]) or (attrs.get("lang") or "ar") != "ar" or tag in SKIP_TAGS
        if tag not in {"br", "img", "input", "meta", "link", "hr", "wbr", "source"}:
            self.stack.append((tag, foreign))
        if not foreign:
            self.words += [v for k, v in attrs.items() if k in TEXT_ATTRS and v]
            if tag == "input" and attrs.get("type") in {"submit", "button"}:
                self.words.append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if not (self.stack and self.stack[-1][1]):
            self.words.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.words).split())


def desk_pages(demo) -> dict[str, str]:
    claims = Claim.objects.filter(article=demo).order_by("id")
    evidence = Evidence.objects.order_by("id").first()
    source = Source.objects.order_by("id").first()
    pages = {
        "dashboard": reverse("desk:home"),
        "articles": reverse("desk:articles"),
        "article": reverse("desk:article", args=[demo.pk]),
        "article-new": reverse("desk:article-new"),
        "article-edit": reverse("desk:article-edit", args=[demo.pk]),
        "claims": reverse("desk:claims"),
        "profile": reverse("desk:profile"),
        "source": reverse("desk:source", args=[source.pk]),
        "add-source": reverse("desk:claim_add_source", args=[claims[0].pk]),
        "evidence-edit": reverse("desk:evidence_edit", args=[evidence.pk]),
    }
    for claim in claims:
        pages[f"claim-{claim.kind}-{claim.status}-{claim.pk}"] = reverse("desk:claim", args=[claim.pk])
    capture = Capture.objects.order_by("id").first()
    if capture:
        pages["capture"] = reverse("desk:capture", args=[capture.pk])
    # Monitored feeds and the inbox: a feed that failed (its reason in Arabic too) and a story two sites carried.
    from claims.models import Feed, FeedEntry, InboxItem

    feed = Feed.objects.create(
        url="https://publisher.example.org/rss",
        last_error="The page was not found (HTTP 404): it may have been moved or deleted.",
        last_error_at=timezone.now(),
    )
    item = InboxItem.objects.create(article=demo, title=demo.title, copies=2)
    FeedEntry.objects.create(feed=feed, key="a", url="https://a.example/1", inbox_item=item, article=demo)
    FeedEntry.objects.create(feed=feed, key="b", url="https://b.example/1", inbox_item=item)
    pages["feeds"] = reverse("desk:feeds")
    pages["feed"] = reverse("desk:feed", args=[feed.pk])
    pages["inbox"] = reverse("desk:inbox")
    return pages


def english_left(text: str) -> list[str]:
    return [label for label in ENGLISH_LABELS if re.search(rf"(?<![A-Za-z]){re.escape(label)}(?![A-Za-z])", text)]


@pytest.fixture
def arabic_editor(client, demo):
    from django.contrib.auth.models import User

    editor = User.objects.get(username="editor")
    set_interface_language(user=editor, language="ar")
    client.force_login(editor)
    return client


def test_every_desk_page_is_arabic_and_right_to_left(arabic_editor, demo):
    left = {}
    for name, url in desk_pages(demo).items():
        response = arabic_editor.get(url)
        assert response.status_code == 200, name
        html = response.content.decode()
        assert '<html lang="ar" dir="rtl">' in html, name
        found = english_left(visible_text(html))
        if found:
            left[name] = found
    assert not left, f"English interface words on Arabic desk pages: {left}"
