from django.urls import path

from ..views import notifications as views

urlpatterns = [
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/<int:pk>/ouvrir/", views.notification_open, name="notification_open"),
    path("notifications/tout-lu/", views.notification_mark_all_read,
         name="notification_mark_all_read"),
    path("notifications/preferences/", views.notification_preferences,
         name="notification_preferences"),
]
