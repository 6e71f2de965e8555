"""Addresses of the PDF reports (essaimage.views_reports), under "rapports/"."""

from django.urls import path

from . import views_reports as views

app_name = "reports"

urlpatterns = [
    path("<slug:kind>/<int:subject_pk>/", views.panel, name="panel"),
    path("<slug:kind>/<int:subject_pk>/demander/", views.request_view, name="request"),
    path("<int:pk>/telecharger/", views.download, name="download"),
    path("<int:pk>/relancer/", views.retry, name="retry"),
]
