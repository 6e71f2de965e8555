"""A value returned for revision: the people of the site's structure hear of it, with the
comment, in their own language, and never the staff member who returned it."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from communities.models import Membership, Notification
from evaluations.services.reporting import (
    Entry,
    open_report,
    return_value,
    save_values,
    submit_report,
)

from ..factories import IndicatorFactory, MembershipFactory, ReportingPeriodFactory

pytestmark = pytest.mark.django_db

RETURNED = Notification.Kind.VALUE_RETURNED


@pytest.fixture
def count(project):
    return IndicatorFactory(project=project, code="JEUNES", name="Jeunes accompagnés")


@pytest.fixture
def submitted(bob_site, bob, count):
    report = open_report(bob_site, ReportingPeriodFactory(project=bob_site.project), bob)
    save_values(report, [Entry(count, value="52")], bob)
    return submit_report(report, bob)


def test_the_sites_people_hear_of_a_returned_value(submitted, alice, bob, carol, bob_structure,
                                                   count, django_capture_on_commit_callbacks):
    colleague = MembershipFactory(structure=bob_structure, role=Membership.Role.MEMBER).user
    colleague.language = "en"
    colleague.save()
    value = submitted.values.get(indicator=count)

    with django_capture_on_commit_callbacks(execute=True):
        return_value(value, alice, "52 personnes sur un trimestre ? Merci de vérifier.")

    notifications = {n.recipient: n for n in Notification.objects.filter(kind=RETURNED)}
    assert set(notifications) == {bob, colleague}
    entry = reverse("evaluations:report_entry", args=[submitted.site_id, submitted.period_id])
    assert notifications[bob].url == f"{entry}#row-{value.pk}"
    assert notifications[bob].body == "52 personnes sur un trimestre ? Merci de vérifier."
    assert notifications[bob].actor == alice
    assert notifications[colleague].title == (
        "Value returned for revision: Jeunes accompagnés (T1 2025)")
    # Returned values come by e-mail at once by default.
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [bob.email, colleague.email])


def test_one_notification_per_person_per_return(submitted, alice, bob, count):
    value = submitted.values.get(indicator=count)
    return_value(value, alice, "À vérifier")
    return_value(value, alice, "Toujours à vérifier")
    assert Notification.objects.filter(kind=RETURNED, recipient=bob).count() == 2


def test_a_refused_return_notifies_nobody(submitted, alice, count):
    value = submitted.values.get(indicator=count)
    with pytest.raises(ValidationError):
        return_value(value, alice, "   ")
    assert not Notification.objects.exists()


def test_a_person_who_left_the_structure_hears_nothing(submitted, alice, bob, count):
    Membership.objects.filter(user=bob).delete()
    return_value(submitted.values.get(indicator=count), alice, "À vérifier")
    assert not Notification.objects.exists()
