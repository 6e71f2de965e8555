"""Addresses of the spreadsheet imports (essaimage.views_imports), under "imports/"."""

from django.urls import path

from . import views_imports as views

app_name = "imports"

urlpatterns = [
    path("", views.import_home, name="home"),
    path("modeles/<slug:kind>.<str:fmt>", views.template_download, name="template"),
    path("<int:pk>/", views.import_detail, name="detail"),
    path("<int:pk>/confirmer/", views.import_confirm, name="confirm"),
    path("<int:pk>/annuler/", views.import_cancel, name="cancel"),
]
