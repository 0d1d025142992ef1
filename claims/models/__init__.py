"""The desk's domain, split by aggregate: articles, entities, claims, sources and evidence, history, pages."""

from .articles import Article, ArticleRevision
from .claims import Attendee, Claim, ClaimLink
from .corrections import ClaimCorrection
from .entities import Entity
from .history import ClaimEvent
from .pages import Page
from .series import Series, SeriesMember
from .sources import Capture, Evidence, Source

__all__ = [
    "Article",
    "ArticleRevision",
    "Attendee",
    "Capture",
    "Claim",
    "ClaimCorrection",
    "ClaimEvent",
    "ClaimLink",
    "Entity",
    "Evidence",
    "Page",
    "Series",
    "SeriesMember",
    "Source",
]
