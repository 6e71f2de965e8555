from django.urls import path

from ..views import questionnaires

urlpatterns = [
    path("projets/<int:project_pk>/questionnaires/", questionnaires.questionnaire_list,
         name="questionnaire_list"),
    path("questionnaires/<int:pk>/", questionnaires.questionnaire_detail,
         name="questionnaire_detail"),
    path("questionnaires/<int:pk>/modifier/", questionnaires.questionnaire_update,
         name="questionnaire_update"),
    path("questionnaires/<int:pk>/ouvrir/", questionnaires.questionnaire_open,
         name="questionnaire_open"),
    path("questionnaires/<int:pk>/clore/", questionnaires.questionnaire_close,
         name="questionnaire_close"),
    path("questionnaires/<int:pk>/envoi/", questionnaires.questionnaire_send,
         name="questionnaire_send"),
    path("questionnaires/<int:pk>/synthese/", questionnaires.questionnaire_summary,
         name="questionnaire_summary"),
    path("questionnaires/<int:pk>/pairs/", questionnaires.peer_comparison,
         name="peer_comparison"),
    path("questions/<int:pk>/modifier/", questionnaires.question_update,
         name="question_update"),
    path("mes-questionnaires/", questionnaires.my_questionnaires, name="my_questionnaires"),
    path("mes-questionnaires/<int:pk>/", questionnaires.answer, name="answer"),
]
