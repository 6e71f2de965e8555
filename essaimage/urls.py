from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views

admin.site.site_header = _("Essaimage administration")
admin.site.site_title = _("Essaimage")
admin.site.index_title = _("Platform data")

urlpatterns = [
    path("", views.home, name="home"),
    path("portail/", views.portal, name="portal"),
    path("langue/", views.set_language, name="set_language"),
    path("sante/", views.health, name="health"),
    path("compte/", include("allauth.urls")),
    path("programmes/", include("programmes.urls")),
    path("evaluations/", include("evaluations.urls")),
    path("rapports/", include("essaimage.urls_reports")),
    path("imports/", include("essaimage.urls_imports")),
    path("", include("essaimage.urls_reminders")),
    path("", include("essaimage.api.urls")),
    path("", include("innovations.urls")),
    path("", include("communities.urls")),
    path("admin/", admin.site.urls),
]

