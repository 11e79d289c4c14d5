from django.conf.urls.i18n import i18n_patterns
from django.urls import URLPattern, URLResolver, include, path

from api.views import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
# Chinese at the root, English under /en/.
urlpatterns += i18n_patterns(
    path("", include("portal.urls")),
    path("office/", include("backoffice.urls")),
    prefix_default_language=False,
)

handler404 = "portal.views.not_found"
handler500 = "portal.views.server_error"
