"""The desk's domain, split by aggregate: articles, entities, claims, sources and evidence, history, pages."""

from .articles import Article, ArticleRevision
from .claims import Attendee, Claim, ClaimLink
from .comments import Comment
from .corrections import ClaimCorrection
from .entities import Entity
from .harvest import HarvestedReview, HarvestSource, RatingMapping
from .history import ClaimEvent
from .memory import ClaimEmbedding
from .notifications import Notification, NotificationPreference, Webhook, WebhookDelivery
from .pages import Page
from .profiles import DeskProfile
from .requests import ReaderRequest
from .series import Series, SeriesMember
from .sources import Capture, Evidence, Source
from .team import DeskSettings, Reminder, Tag

__all__ = [
    "Article",
    "ArticleRevision",
    "Attendee",
    "Capture",
    "Claim",
    "ClaimCorrection",
    "ClaimEmbedding",
    "ClaimEvent",
    "ClaimLink",
    "Comment",
    "DeskProfile",
    "DeskSettings",
    "Entity",
    "Evidence",
    "HarvestSource",
    "HarvestedReview",
    "Notification",
    "NotificationPreference",
    "Page",
    "RatingMapping",
    "ReaderRequest",
    "Series",
    "SeriesMember",
    "Source",
    "Webhook",
    "WebhookDelivery",
    "Reminder",
    "Source",
    "Tag",
]
