from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = _("Evaluations")

    def ready(self):
        # programmes draws the project's tabs but may not import evaluations: register ours.
        from essaimage.navigation import register_programme_link, register_project_tab

        register_project_tab("evaluation", _("Evaluation"), "evaluations:plan")
        register_programme_link("evaluation_phases", _("Evaluation phases"),
                                "evaluations:programme_phases")

        # The home page may not import evaluations either: periods to report, questionnaires
        # to answer.
        from essaimage.home import next_step_provider

        from .queries.home import questionnaire_steps, reporting_steps

        next_step_provider(reporting_steps)
        next_step_provider(questionnaire_steps)
        # The funders' dashboard, for funders and staff.
        from .selectors.portfolio import home_steps

        next_step_provider(home_steps)

        # essaimage renders and stores the PDF reports; evaluations knows what the
        # committee pack holds.
        from essaimage.reports import register_report

        from .reports import committee_pack, report_kinds

        register_report(committee_pack.report_kind())
        # The scaling project, adopter site and funder reports.
        for kind in report_kinds():
            register_report(kind)

        # The member portal may not import evaluations either: the same, with due dates.
        from essaimage.portal import portal_task_provider

        from .queries.portal import questionnaire_tasks, reporting_tasks

        portal_task_provider(reporting_tasks)
        portal_task_provider(questionnaire_tasks)

        # Reminders of reporting periods (essaimage.reminders).
        from .reminders import register_reminders

        register_reminders()

        # Indicator values imported from spreadsheets (essaimage.imports).
        from essaimage.imports import register_importer

        from .importers import IndicatorValueImporter

        register_importer(IndicatorValueImporter())
