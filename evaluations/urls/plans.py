from django.urls import path

from ..views import plans

urlpatterns = [
    path("projets/<int:project_pk>/", plans.plan, name="plan"),
    path("phases/<int:pk>/modifier/", plans.phase_update, name="phase_update"),
    path("phases/<int:pk>/rapports/", plans.report_upload, name="report_upload"),
    path("rapports-de-phase/<int:pk>/", plans.report_download, name="report_download"),
    path("rapports-de-phase/<int:pk>/supprimer/", plans.report_delete, name="report_delete"),
    path("programmes/<int:programme_pk>/phases/", plans.programme_phases,
         name="programme_phases"),
]
