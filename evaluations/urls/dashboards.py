from django.urls import path

from ..views import dashboards

urlpatterns = [
    path("projets/<int:project_pk>/tableau-de-bord/", dashboards.project_dashboard,
         name="project_dashboard"),
    path("sites/<int:site_pk>/tableau-de-bord/", dashboards.site_dashboard,
         name="site_dashboard"),
    path("programmes/<int:programme_pk>/tableau-de-bord/", dashboards.programme_dashboard,
         name="programme_dashboard"),
    path("projets/<int:project_pk>/valeurs.<str:fmt>", dashboards.values_export,
         name="values_export"),
]
