from django.urls import path
from rest_framework.routers import DefaultRouter

from claims.api import claimreview, matching, views

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
router.register("claim-links", matching.ClaimLinkViewSet, basename="claim-link")

urlpatterns = [
    path("claimreview/import/", claimreview.ClaimReviewImportView.as_view(), name="claimreview-import"),
    path("public/claimreview/", claimreview.PublicClaimReviewFeed.as_view(), name="public-claimreview"),
    path(
        "public/claims/<int:pk>/claimreview/",
        claimreview.PublicClaimReviewDetail.as_view(),
        name="public-claim-claimreview",
    ),
    *router.urls,
]
