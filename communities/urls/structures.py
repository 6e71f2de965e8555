from django.urls import path

from ..views import structures as views


urlpatterns = [
    path("structures/", views.structure_list, name="structure_list"),
    path("structures/export.<str:fmt>", views.structure_export, name="structure_export"),
    path("structures/nouvelle/", views.structure_create, name="structure_create"),
    path("structures/<int:pk>/", views.structure_detail, name="structure_detail"),
    path("structures/<int:pk>/modifier/", views.structure_update, name="structure_update"),
    path("structures/<int:pk>/membres/", views.structure_members, name="structure_members"),
    path("structures/<int:pk>/quitter/", views.structure_leave, name="structure_leave"),
    path("structures/<int:pk>/invitations/", views.invitation_create, name="invitation_create"),
    path("invitations/<int:pk>/renvoyer/", views.invitation_resend, name="invitation_resend"),
    path("invitations/<int:pk>/annuler/", views.invitation_revoke, name="invitation_revoke"),
    path("invitations/<str:key>/", views.invitation_accept, name="invitation_accept"),
    path("adhesions/<int:pk>/role/", views.membership_update, name="membership_update"),
    path("adhesions/<int:pk>/retirer/", views.membership_remove, name="membership_remove"),
    path("profil/", views.profile, name="profile"),
]
