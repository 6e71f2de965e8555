"""Addresses of a project's reminders page (essaimage.views_reminders)."""

from django.urls import path

from . import views_reminders as views

app_name = "reminders"

urlpatterns = [
    path("programmes/projets/<int:project_pk>/relances/", views.project_reminders_page,
         name="project"),
    path("programmes/projets/<int:project_pk>/relances/sites/", views.site_pause,
         name="site_pause"),
    path("programmes/instances/<int:pk>/relances/", views.body_pause, name="body_pause"),
    path("relances/<int:pk>/renvoyer/", views.retry, name="retry"),
]
