from django.urls import path

from .views import bank, calls, records, reviews

app_name = "innovations"

urlpatterns = [
    # Calls for projects and for expressions of interest (staff side and applicant side)
    path("appels/", calls.call_list, name="call_list"),
    path("appels/nouveau/", calls.call_create, name="call_create"),
    path("appels/<int:pk>/", calls.call_detail, name="call_detail"),
    path("appels/<int:pk>/modifier/", calls.call_update, name="call_update"),
    path("appels/<int:pk>/formulaire/", calls.call_questions, name="call_questions"),
    path("appels/<int:pk>/grille/", calls.call_rubric, name="call_rubric"),
    path("appels/<int:pk>/publier/", calls.call_publish, name="call_publish"),
    path("appels/<int:pk>/prolonger/", calls.call_extend, name="call_extend"),
    path("appels/<int:pk>/candidater/", calls.application_start, name="application_start"),
    path("appels/<int:pk>/candidatures/", calls.call_applications, name="call_applications"),
    path("appels/<int:pk>/attributions/", calls.call_assign, name="call_assign"),
    path("appels/<int:pk>/classement/", calls.call_ranking, name="call_ranking"),
    path("candidatures/", calls.application_list, name="application_list"),
    path("candidatures/<int:pk>/", calls.application_detail, name="application_detail"),
    path("candidatures/<int:pk>/modifier/", calls.application_edit, name="application_edit"),
    path("candidatures/<int:pk>/deposer/", calls.application_submit, name="application_submit"),
    path("candidatures/<int:pk>/fichiers/<int:question_pk>/", calls.answer_file,
         name="answer_file"),
    path("candidatures/<int:pk>/eligibilite/", calls.application_screen,
         name="application_screen"),
    path("candidatures/<int:pk>/decision/", calls.application_decide, name="application_decide"),
    path("attributions/<int:pk>/retirer/", calls.assignment_remove, name="assignment_remove"),
    # Peer review
    path("relectures/", reviews.review_list, name="review_list"),
    path("relectures/<int:pk>/", reviews.review_form, name="review_form"),
    path("relectures/<int:pk>/conflit/", reviews.review_conflict, name="review_conflict"),
    # Innovation records
    path("innovations/nouvelle/", records.innovation_create, name="innovation_create"),
    path("innovations/<int:pk>/", records.innovation_detail, name="innovation_detail"),
    path("innovations/<int:pk>/modifier/<slug:section>/", records.innovation_edit,
         name="innovation_edit"),
    path("innovations/<int:pk>/publier/", records.innovation_publish, name="innovation_publish"),
    path("innovations/<int:pk>/versions/", records.innovation_versions,
         name="innovation_versions"),
    # Knowledge bank
    path("innovations/", bank.bank_search, name="bank_search"),
    path("innovations/export.<str:fmt>", bank.bank_export, name="bank_export"),
    path("innovations/<int:pk>/soutenir/", bank.endorse, name="endorse"),
    path("innovations/<int:pk>/commentaires/", bank.comment_create, name="comment_create"),
    path("innovations/<int:pk>/interets/", bank.adoption_interests, name="adoption_interests"),
    path("commentaires/<int:pk>/masquer/", bank.comment_hide, name="comment_hide"),
    path("ressources/", bank.resource_list, name="resource_list"),
    path("ressources/nouvelle/", bank.resource_create, name="resource_create"),
    path("ressources/<int:pk>/", bank.resource_detail, name="resource_detail"),
    path("ressources/<int:pk>/modifier/", bank.resource_update, name="resource_update"),
    path("ressources/<int:pk>/telecharger/", bank.resource_download, name="resource_download"),
    path("ressources/<int:pk>/noter/", bank.resource_rate, name="resource_rate"),
]
