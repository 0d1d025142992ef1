from rest_framework.routers import DefaultRouter

from claims.api import views

app_name = "api"

router = DefaultRouter()
router.register("articles", views.ArticleViewSet, basename="article")
router.register("claims", views.ClaimViewSet, basename="claim")
router.register("entities", views.EntityViewSet, basename="entity")
router.register("sources", views.SourceViewSet, basename="source")
router.register("captures", views.CaptureViewSet, basename="capture")
router.register("evidence", views.EvidenceViewSet, basename="evidence")
router.register("public/claims", views.PublicClaimViewSet, basename="public-claim")

urlpatterns = router.urls
