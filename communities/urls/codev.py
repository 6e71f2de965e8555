from django.urls import path

from ..views import codev as views

urlpatterns = [
    path("communaute/espaces/<int:space_pk>/codeveloppement/", views.codev_list,
         name="codev_list"),
    path("communaute/espaces/<int:space_pk>/codeveloppement/nouvelle/", views.codev_create,
         name="codev_create"),
    path("communaute/codeveloppement/<int:pk>/", views.codev_detail, name="codev_detail"),
    path("communaute/codeveloppement/<int:pk>/etape/", views.codev_step, name="codev_step"),
    path("communaute/codeveloppement/<int:pk>/consultants/", views.codev_consultant,
         name="codev_consultant"),
    path("communaute/codeveloppement/<int:pk>/contributions/", views.codev_contribute,
         name="codev_contribute"),
    path("communaute/codeveloppement/<int:pk>/texte/", views.codev_write, name="codev_write"),
]
