"""The desk's domain, split by aggregate: articles, entities, claims, sources and evidence, history, pages."""

from .articles import Article, ArticleRevision
from .claims import Attendee, Claim, ClaimLink
from .corrections import ClaimCorrection
from .entities import Entity
from .history import ClaimEvent
from .pages import Page
from .sources import Capture, Evidence, Source
from .team import DeskSettings, Reminder, Tag

__all__ = [
    "Article",
    "ArticleRevision",
    "Attendee",
    "Capture",
    "Claim",
    "ClaimCorrection",
    "ClaimEvent",
    "ClaimLink",
    "DeskSettings",
    "Entity",
    "Evidence",
    "Page",
    "Reminder",
    "Source",
    "Tag",
]
