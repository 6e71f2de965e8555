from django.urls import path

from ..views import events as views

urlpatterns = [
    path("communaute/evenements/", views.event_list, name="event_list"),
    path("communaute/evenements/nouveau/", views.event_create, name="event_create"),
    path("communaute/evenements/<int:pk>/", views.event_detail, name="event_detail"),
    path("communaute/evenements/<int:pk>/modifier/", views.event_update, name="event_update"),
    path("communaute/evenements/<int:pk>/annuler/", views.event_cancel, name="event_cancel"),
    path("communaute/evenements/<int:pk>/inscription/", views.event_register,
         name="event_register"),
    path("communaute/evenements/<int:pk>/desinscription/", views.event_unregister,
         name="event_unregister"),
    path("communaute/evenements/<int:pk>/agenda.ics", views.event_ics, name="event_ics"),
    path("communaute/evenements/<int:pk>/presences/", views.event_attendance,
         name="event_attendance"),
    path("communaute/evenements/<int:pk>/compte-rendu/", views.event_report,
         name="event_report"),
]
