"""The reminders of calls, registered with essaimage.reminders in InnovationsConfig.ready():
to reviewers with reviews still to finish, three days before the call's review deadline (when
it has one), and to applicants with a draft, three days before the call closes. Neither is
about a scaling project: they show in the sent-log, not on a project's page.
"""

from datetime import timedelta

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.models import Membership
from essaimage.emails import absolute_url, send_templated_email
from essaimage.reminders import (
    NO_LONGER_DUE,
    DueReminder,
    ReminderSource,
    instant,
    language_of,
    on_days,
    paris_day,
    paris_time,
    send_days,
    shifted,
)

from .models import Application, Call, ReviewAssignment

# Days before the deadline of each reminder.
REVIEW_DAYS = 3
DRAFT_DAYS = 3
UNFINISHED = (ReviewAssignment.Status.PENDING, ReviewAssignment.Status.IN_PROGRESS)
UNDER_REVIEW = (Application.Status.SUBMITTED, Application.Status.ELIGIBLE)


def unfinished_reviews(call: Call, reviewer_id: int) -> int:
    return ReviewAssignment.objects.filter(
        application__call=call, application__status__in=UNDER_REVIEW, reviewer=reviewer_id,
        status__in=UNFINISHED).count()


class CallReminders(ReminderSource):
    kinds = {
        "review_due": _("Reviews to finish"),
        "application_draft": _("Draft application before the call closes"),
    }

    def due(self, start, end, *, project_id=None):
        days = send_days(start, end)
        if days is None or project_id is not None:
            return
        yield from self._reviews(start, end, days)
        yield from self._drafts(start, end, days)

    def _reviews(self, start, end, days):
        calls = {call.pk: call for call in Call.objects.filter(
            is_archived=False, **on_days("reviews_due_at", shifted(days, REVIEW_DAYS)))}
        if not calls:
            return
        reviewers = (ReviewAssignment.objects
                     .filter(application__call__in=calls, application__status__in=UNDER_REVIEW,
                             status__in=UNFINISHED, reviewer__is_active=True)
                     .values("application__call", "reviewer")
                     .annotate(count=Count("pk")).order_by("application__call", "reviewer"))
        people = {}
        if reviewers:
            from communities.models import User

            people = User.objects.in_bulk({row["reviewer"] for row in reviewers})
        for row in reviewers:
            call, person = calls[row["application__call"]], people[row["reviewer"]]
            due_at = paris_time(paris_day(call.reviews_due_at) - timedelta(days=REVIEW_DAYS))
            if start < due_at <= end:
                yield DueReminder(
                    kind="review_due", item=call, occurrence=instant(call.reviews_due_at),
                    due_at=due_at, recipient_email=person.email, recipient=person,
                    recipient_name=person.display_name)

    def _drafts(self, start, end, days):
        drafts = list(Application.objects
                      .filter(status=Application.Status.DRAFT, call__is_archived=False,
                              call__published_at__isnull=False,
                              **on_days("call__closes_at", shifted(days, DRAFT_DAYS)))
                      .select_related("call", "created_by"))
        without_author = {a.structure_id for a in drafts
                          if a.created_by is None or not a.created_by.is_active}
        managers = {}
        if without_author:
            for membership in (Membership.objects.managers()
                               .filter(structure__in=without_author, user__is_active=True)
                               .select_related("user")):
                managers.setdefault(membership.structure_id, []).append(membership.user)
        for application in drafts:
            call = application.call
            due_at = paris_time(paris_day(call.closes_at) - timedelta(days=DRAFT_DAYS))
            if not start < due_at <= end:
                continue
            author = application.created_by
            people = ([author] if author is not None and author.is_active
                      else managers.get(application.structure_id, []))
            for person in people:
                yield DueReminder(
                    kind="application_draft", item=application,
                    occurrence=instant(call.closes_at), due_at=due_at,
                    recipient_email=person.email, recipient=person,
                    recipient_name=person.display_name)

    def send(self, reminder):
        if reminder.kind == "review_due":
            call = Call.objects.get(pk=reminder.item_id)
            count = unfinished_reviews(call, reminder.recipient_id)
            if (call.is_archived or call.reviews_due_at is None
                    or reminder.occurrence != instant(call.reviews_due_at)
                    or call.reviews_due_at <= timezone.now() or not count):
                return NO_LONGER_DUE
            context = {"call": call, "count": count,
                       "reviews_url": absolute_url(reverse("innovations:review_list"))}
        else:
            application = Application.objects.select_related("call", "structure").get(
                pk=reminder.item_id)
            call = application.call
            if (not application.is_draft or call.is_archived
                    or reminder.occurrence != instant(call.closes_at)
                    or call.closes_at <= timezone.now()):
                return NO_LONGER_DUE
            context = {"application": application, "call": call,
                       "application_url": absolute_url(
                           reverse("innovations:application_edit", args=[application.pk]))}
        send_templated_email(f"reminder_{reminder.kind}", to=[reminder.recipient_email],
                             language=language_of(reminder), context=context)
        return ""


def register_reminders() -> None:
    from essaimage.reminders import register_reminder_source

    register_reminder_source(CallReminders())
