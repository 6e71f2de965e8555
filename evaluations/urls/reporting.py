from django.urls import path

from ..views import reporting

urlpatterns = [
    path("projets/<int:project_pk>/periodes/", reporting.period_list, name="period_list"),
    path("projets/<int:project_pk>/a-valider/", reporting.review_list, name="review_list"),
    path("mes-declarations/", reporting.my_reports, name="my_reports"),
    path("sites/<int:site_pk>/periodes/<int:period_pk>/", reporting.report_entry,
         name="report_entry"),
    path("valeurs/<int:pk>/retourner/", reporting.value_return, name="value_return"),
    path("declarations/<int:pk>/valider/", reporting.report_validate, name="report_validate"),
    path("declarations/<int:pk>/rouvrir/", reporting.report_reopen, name="report_reopen"),
    path("declarations/<int:pk>/justificatifs/", reporting.evidence_upload,
         name="evidence_upload"),
    path("justificatifs/<int:pk>/", reporting.evidence_download, name="evidence_download"),
    path("justificatifs/<int:pk>/supprimer/", reporting.evidence_delete,
         name="evidence_delete"),
]
