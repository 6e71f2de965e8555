from django.urls import path

from ..views import indicators

urlpatterns = [
    path("projets/<int:project_pk>/indicateurs/", indicators.indicator_list,
         name="indicator_list"),
    path("projets/<int:project_pk>/indicateurs/nouveau/", indicators.indicator_create,
         name="indicator_create"),
    path("projets/<int:project_pk>/indicateurs/bibliotheque/", indicators.indicator_library,
         name="indicator_library"),
    path("indicateurs/<int:pk>/modifier/", indicators.indicator_update,
         name="indicator_update"),
    path("indicateurs/<int:pk>/activation/", indicators.indicator_toggle,
         name="indicator_toggle"),
    path("indicateurs/<int:pk>/ventilations/", indicators.indicator_breakdowns,
         name="indicator_breakdowns"),
    path("indicateurs/<int:pk>/cibles/", indicators.indicator_targets,
         name="indicator_targets"),
]
