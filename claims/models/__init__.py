"""The desk's domain, split by aggregate: articles, entities, claims, sources and evidence, history, pages."""

from .articles import Article, ArticleRevision
from .claims import Attendee, Claim, ClaimLink
from .comments import Comment
from .corrections import ClaimCorrection
from .entities import Entity, EntityClaimCount, EntityFeedItem
from .feeds import Feed, FeedEntry, InboxItem
from .harvest import HarvestedReview, HarvestSource, RatingMapping
from .history import ClaimEvent
from .media import CaptureImage, CapturePost
from .memory import ClaimEmbedding
from .notifications import Notification, NotificationPreference, Webhook, WebhookDelivery
from .pages import Page
from .profiles import DeskProfile
from .proposals import ClaimProposal, DismissedProposal
from .requests import ReaderRequest
from .series import Series, SeriesMember
from .sources import Capture, Evidence, Source, ThirdPartyCopy
from .team import DeskSettings, Reminder, Tag

__all__ = [
    "Article",
    "ArticleRevision",
    "Attendee",
    "Capture",
    "CaptureImage",
    "CapturePost",
    "Claim",
    "ClaimCorrection",
    "ClaimEmbedding",
    "ClaimEvent",
    "ClaimLink",
    "ClaimProposal",
    "Comment",
    "DeskProfile",
    "DeskSettings",
    "DismissedProposal",
    "Entity",
    "EntityClaimCount",
    "EntityFeedItem",
    "Evidence",
    "Feed",
    "FeedEntry",
    "HarvestSource",
    "HarvestedReview",
    "InboxItem",
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
    "ThirdPartyCopy",
]
