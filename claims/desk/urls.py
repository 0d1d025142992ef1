from django.contrib.auth import views as auth_views
from django.urls import path

from claims.desk import views, workflow_views

app_name = "desk"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="registration/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", workflow_views.dashboard, name="home"),
    path("articles/", views.article_list, name="articles"),
    path("articles/<int:pk>/", views.article_detail, name="article"),
    path("claims/", views.claim_list, name="claims"),
    path("claims/<int:pk>/", views.claim_detail, name="claim"),
    path("claims/<int:pk>/transitions/", workflow_views.claim_transition, name="claim-transition"),
    path("sources/<int:pk>/", views.source_detail, name="source"),
]
