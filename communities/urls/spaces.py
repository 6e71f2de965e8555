from django.urls import path

from ..views import spaces as views

urlpatterns = [
    path("communaute/", views.space_list, name="space_list"),
    path("communaute/espaces/<int:pk>/", views.space_detail, name="space_detail"),
    path("communaute/espaces/<int:pk>/participants/", views.space_members,
         name="space_members"),
    path("communaute/espaces/<int:pk>/nouveau-fil/", views.thread_create, name="thread_create"),
    path("communaute/discussions/<int:pk>/", views.thread_detail, name="thread_detail"),
    path("communaute/discussions/<int:pk>/repondre/", views.thread_reply, name="thread_reply"),
    path("communaute/discussions/<int:pk>/masquer/", views.thread_hide, name="thread_hide"),
    path("communaute/discussions/<int:pk>/afficher/", views.thread_unhide,
         name="thread_unhide"),
    path("communaute/discussions/<int:pk>/verrouiller/", views.thread_lock, name="thread_lock"),
    path("communaute/discussions/<int:pk>/epingler/", views.thread_pin, name="thread_pin"),
    path("communaute/messages/<int:pk>/modifier/", views.post_edit, name="post_edit"),
    path("communaute/messages/<int:pk>/reponse-utile/", views.mark_helpful,
         name="mark_helpful"),
    path("communaute/messages/<int:pk>/masquer/", views.post_hide, name="post_hide"),
    path("communaute/messages/<int:pk>/afficher/", views.post_unhide, name="post_unhide"),
    path("communaute/pieces-jointes/<int:pk>/", views.attachment_download,
         name="attachment_download"),
]
