from django.urls import path

from portal import calls, claim_views, classes, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("occupations/<path:query>/", views.occupation, name="occupation"),
    path("catalogs/", views.catalog_list, name="catalogs"),
    path("catalogs/<str:region>/<slug:catalog_id>/", views.catalog_detail, name="catalog"),
    path(
        "catalogs/<str:region>/<slug:catalog_id>/download.<str:fmt>",
        views.catalog_download,
        name="catalog_download",
    ),
    path("institutions/", views.trainers, name="institutions"),
    path("institutions/removed/", views.institution_removals, name="institution_removals"),
    path("institutions/<int:pk>/", views.institution_public, name="institution"),
    path("calculator/", views.calculator, name="calculator"),
    path("quality/", views.quality, name="quality"),
    path("sources/", views.sources, name="sources"),
    path("sources/<str:seed>/", views.source, name="source"),
    path("developers/", views.api_docs, name="api"),
    path("classes/", classes.open_classes, name="classes"),
    path("calls/", calls.calls, name="calls"),
    path("calls/<int:pk>/notice/", calls.call_notice, name="call_notice"),
    path("claims/", claim_views.my_claims, name="claims"),
    path("claims/register/", claim_views.register, name="claim_register"),
    path("claims/notice/", claim_views.notice, name="claim_notice"),
    path("claims/figures/", claim_views.figures, name="claim_figures"),
    path("claims/tokens/", claim_views.tokens, name="claim_tokens"),
    path("claims/<int:pk>/", claim_views.my_claim, name="claim"),
]
