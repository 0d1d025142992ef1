from django.urls import path

from claims.public import views

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("claims/<int:pk>/<str:slug>/", views.claim_detail, name="claim"),
    path("claims/<int:pk>/", views.claim_detail, name="claim-short"),
    path("entities/<int:pk>/", views.entity_detail, name="entity"),
    path("articles/<int:pk>/", views.article_detail, name="article"),
]
