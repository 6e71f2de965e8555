from django.urls import path

from ..views import fidelity

urlpatterns = [
    path("projets/<int:project_pk>/fidelite/", fidelity.fidelity, name="fidelity"),
    path("projets/<int:project_pk>/fidelite/echelle/", fidelity.scale_edit, name="scale_edit"),
    path("projets/<int:project_pk>/fidelite/items/nouveau/", fidelity.item_create,
         name="item_create"),
    path("fidelite/items/<int:pk>/", fidelity.item_update, name="item_update"),
    path("projets/<int:project_pk>/fidelite/comparaison/", fidelity.comparison,
         name="fidelity_comparison"),
    path("sites/<int:site_pk>/fidelite/", fidelity.site_fidelity, name="site_fidelity"),
    path("sites/<int:site_pk>/fidelite/evaluer/", fidelity.assessment_start,
         name="assessment_start"),
    path("fidelite/evaluations/<int:pk>/", fidelity.assessment, name="assessment"),
]
