from django.contrib.auth import views as auth_views
from django.urls import path

from backoffice.views import (
    access,
    accounts,
    audit,
    calendar,
    catalogs,
    home,
    institutions,
    standards,
    uploads,
    workspace,
)

app_name = "backoffice"
urlpatterns = [
    path("", home.home, name="home"),
    path("login/", access.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("catalogs/", catalogs.catalogs, name="catalogs"),
    path("catalogs/<slug:catalog_id>/draft/", catalogs.draft_start, name="draft_start"),
    path("versions/<int:pk>/", catalogs.version_detail, name="version"),
    path("versions/<int:pk>/diff/", catalogs.version_diff, name="version_diff"),
    path("versions/<int:pk>/rows/<int:position>/", catalogs.entry_edit, name="entry_edit"),
    path("versions/<int:pk>/rows/<int:position>/delete/", catalogs.entry_delete, name="entry_delete"),
    path("versions/<int:pk>/publish/", catalogs.version_publish, name="version_publish"),
    path("versions/<int:pk>/discard/", catalogs.version_discard, name="version_discard"),
    path("uploads/new/", uploads.upload_new, name="upload_new"),
    path("uploads/<int:pk>/", uploads.upload_detail, name="upload"),
    path("workspace/", workspace.workspace, name="workspace"),
    path("audit/", audit.audit, name="audit"),
    path("tokens/", accounts.tokens, name="tokens"),
    path("staff/", accounts.staff, name="staff"),
    path("standards/", standards.standards, name="standards"),
    path("standards/<str:region>/new-period/", standards.standards_new_period, name="standards_new_period"),
    path("standards/<str:region>/<str:name>/", standards.standard_edit, name="standard_edit"),
    path("calendar/", calendar.calendar_years, name="calendar"),
    path("calendar/add/", calendar.calendar_year_add, name="calendar_add"),
    path("institutions/", institutions.institutions, name="institutions"),
    path("institutions/new/", institutions.institution_register, name="institution_register"),
    path("institutions/import/", institutions.institution_import, name="institution_import"),
    path("institutions/proposals/", institutions.institution_proposals, name="institution_proposals"),
    path("institutions/<int:pk>/", institutions.institution, name="institution"),
    path("institutions/<int:pk>/move/", institutions.institution_move, name="institution_move"),
    path("institutions/<int:pk>/listing/", institutions.institution_listing, name="institution_listing"),
    path("institutions/<int:pk>/<slug:what>/", institutions.institution_add, name="institution_add"),
]
