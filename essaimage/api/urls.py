"""Routes of the read-only API (/api/v1/), its schema and documentation, and the profile's
"API access" page. Each app brings its viewsets; this is the one router."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from communities.api import StructureViewSet
from evaluations.api import IndicatorValueViewSet
from innovations.api import InnovationViewSet
from programmes.api import (
    DecisionViewSet,
    MeetingViewSet,
    ProgrammeViewSet,
    ProjectViewSet,
    SiteViewSet,
)

from . import views

app_name = "api"


class Router(DefaultRouter):
    include_format_suffixes = False


router = Router()
router.register("structures", StructureViewSet, basename="structure")
router.register("innovations", InnovationViewSet, basename="innovation")
router.register("programmes", ProgrammeViewSet, basename="programme")
router.register("projects", ProjectViewSet, basename="project")
router.register("sites", SiteViewSet, basename="site")
router.register("indicator-values", IndicatorValueViewSet, basename="indicator-value")
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("decisions", DecisionViewSet, basename="decision")

urlpatterns = [
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/v1/docs/", views.DocsView.as_view(), name="docs"),
    path("api/v1/", include(router.urls)),
    re_path(r"^api/v1/(?P<path>.*)$", views.not_found),
    path("profil/api/", views.access, name="access"),
    path("profil/api/jeton/", views.token_create, name="token_create"),
    path("profil/api/revoquer/", views.token_revoke, name="token_revoke"),
]
