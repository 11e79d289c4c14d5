from django.contrib.auth import views as auth_views
from django.urls import path

from backoffice import calendar_views, standards_views, views

app_name = "backoffice"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("catalogs/", views.catalogs, name="catalogs"),
    path("catalogs/<slug:catalog_id>/draft/", views.draft_start, name="draft_start"),
    path("versions/<int:pk>/", views.version_detail, name="version"),
    path("versions/<int:pk>/diff/", views.version_diff, name="version_diff"),
    path("versions/<int:pk>/rows/<int:position>/", views.entry_edit, name="entry_edit"),
    path("versions/<int:pk>/rows/<int:position>/delete/", views.entry_delete, name="entry_delete"),
    path("versions/<int:pk>/publish/", views.version_publish, name="version_publish"),
    path("versions/<int:pk>/discard/", views.version_discard, name="version_discard"),
    path("uploads/new/", views.upload_new, name="upload_new"),
    path("uploads/<int:pk>/", views.upload_detail, name="upload"),
    path("audit/", views.audit, name="audit"),
    path("tokens/", views.tokens, name="tokens"),
    path("staff/", views.staff, name="staff"),
]

urlpatterns += [
    path("standards/", standards_views.standards, name="standards"),
    path("standards/<str:region>/<str:name>/", standards_views.standard_edit, name="standard_edit"),
]

urlpatterns += [
    path("calendar/", calendar_views.calendar_years, name="calendar"),
    path("calendar/add/", calendar_views.calendar_year_add, name="calendar_add"),
]
