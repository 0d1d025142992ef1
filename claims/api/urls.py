from django.urls import path, re_path
from rest_framework.routers import DefaultRouter

from claims.api import (
    claimreview,
    comments,
    dossiers,
    feeds,
    harvest,
    matching,
    notifications,
    profile,
    proposals,
    requests,
    series,
    spreadsheets,
    views,
    webhooks,
)

app_name = "api"

router = DefaultRouter()
router.register("articles", views.ArticleViewSet, basename="article")
router.register("claims", views.ClaimViewSet, basename="claim")
router.register("entities", views.EntityViewSet, basename="entity")
router.register("tags", views.TagViewSet, basename="tag")
router.register("sources", views.SourceViewSet, basename="source")
router.register("captures", views.CaptureViewSet, basename="capture")
router.register("evidence", views.EvidenceViewSet, basename="evidence")
router.register("public/claims", views.PublicClaimViewSet, basename="public-claim")
router.register("public/entities", dossiers.PublicEntityViewSet, basename="public-entity")
router.register("claim-links", matching.ClaimLinkViewSet, basename="claim-link")
router.register("comments", comments.CommentViewSet, basename="comment")
router.register("notifications", notifications.NotificationViewSet, basename="notification")
router.register("webhooks", webhooks.WebhookViewSet, basename="webhook")
router.register("harvest-sources", harvest.HarvestSourceViewSet, basename="harvest-source")
router.register("rating-mappings", harvest.RatingMappingViewSet, basename="rating-mapping")
router.register("feeds", feeds.FeedViewSet, basename="feed")
router.register("inbox", feeds.InboxItemViewSet, basename="inbox-item")
router.register("series", series.SeriesViewSet, basename="series")
router.register("series-members", series.SeriesMemberViewSet, basename="series-member")
router.register("requests", requests.ReaderRequestViewSet, basename="reader-request")
router.register("proposals", proposals.ProposalViewSet, basename="proposal")
router.register("public/series", series.PublicSeriesViewSet, basename="public-series")

urlpatterns = [
    # Before the router's claims/<pk>/, which would read "export" as an id.
    path("claims/export/", spreadsheets.ClaimExportView.as_view(), name="claim-export"),
    path("claims/import/", spreadsheets.ClaimImportView.as_view(), name="claim-import"),
    # Any integer, as the schema says (and the router's paths match): a negative id is the API's JSON 404, not
    # Django's HTML page for an unknown URL.
    re_path(r"^claims/(?P<pk>-?[0-9]+)/activity/$", comments.ClaimActivityView.as_view(), name="claim-activity"),
    path("me/", profile.MeView.as_view(), name="me"),
    # Before the router's notifications/{id}/, which would read "preferences" as an id.
    path(
        "notifications/preferences/",
        notifications.NotificationPreferencesView.as_view(),
        name="notification-preferences",
    ),
    path("claimreview/import/", claimreview.ClaimReviewImportView.as_view(), name="claimreview-import"),
    path("public/claimreview/", claimreview.PublicClaimReviewFeed.as_view(), name="public-claimreview"),
    path(
        "public/claims/<int:pk>/claimreview/",
        claimreview.PublicClaimReviewDetail.as_view(),
        name="public-claim-claimreview",
    ),
    *router.urls,
]
