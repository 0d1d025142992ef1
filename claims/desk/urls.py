from django.contrib.auth import views as auth_views
from django.urls import path

from claims.desk import articles, claim_views, entities, matching, sources, team, views, workflow_views

app_name = "desk"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="registration/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", workflow_views.dashboard, name="home"),
    path("articles/", views.article_list, name="articles"),
    path("articles/<int:pk>/", views.article_detail, name="article"),
    path("articles/<int:pk>/accept-revision/", views.article_accept_revision, name="article-accept-revision"),
    path("claims/", views.claim_list, name="claims"),
    path("claims/<int:pk>/", views.claim_detail, name="claim"),
    path("claims/<int:pk>/assign/", team.claim_assign, name="claim-assign"),
    path("claims/<int:pk>/tags/", team.claim_tags, name="claim-tags"),
    path("claims/bulk/", team.claims_bulk, name="claims-bulk"),
    path("articles/bulk/", team.articles_bulk, name="articles-bulk"),
    path("settings/", team.desk_settings, name="settings"),
    path("claims/<int:pk>/transitions/", workflow_views.claim_transition, name="claim-transition"),
    path("claims/<int:pk>/correction/", workflow_views.claim_correction, name="claim-correction"),
    path("sources/<int:pk>/", views.source_detail, name="source"),
    path("claims/<int:pk>/sources/add/", sources.add_source, name="claim_add_source"),
    path("claims/<int:pk>/sources/status/", sources.claim_sources_status, name="claim_sources_status"),
    path("evidence/<int:pk>/edit/", sources.edit_evidence, name="evidence_edit"),
    path("evidence/<int:pk>/remove/", sources.remove_evidence_view, name="evidence_remove"),
    path("sources/<int:pk>/recapture/", sources.recapture_source, name="source_recapture"),
    path("captures/<int:pk>/", sources.capture_detail, name="capture"),
    path("captures/<int:pk>/archived/", sources.capture_archived, name="capture_archived"),
    path("captures/<int:pk>/warc/", sources.capture_warc, name="capture_warc"),
    path("articles/new/", articles.article_new, name="article-new"),
    path("articles/<int:pk>/edit/", articles.article_edit, name="article-edit"),
    path("articles/<int:pk>/claims/new/", claim_views.claim_new, name="claim-new"),
    path("articles/<int:pk>/suggest/", claim_views.suggest, name="suggest"),
    path("claims/<int:pk>/edit/", claim_views.claim_edit, name="claim-edit"),
    path("claims/<int:pk>/attendees/", claim_views.claim_attendees, name="claim-attendees"),
    path("claims/<int:pk>/delete/", claim_views.claim_delete, name="claim-delete"),
    path("entities/search/", entities.entity_search, name="entity-search"),
    path("entities/new/", entities.entity_create, name="entity-create"),
    path("claims/<int:pk>/similar/", matching.find_similar, name="claim-similar-find"),
    path("claims/<int:pk>/similar/panel/", matching.similar_panel, name="claim-similar-panel"),
    path("claims/<int:pk>/similar/<int:link_pk>/", matching.decide_similar, name="claim-similar-decide"),
]
