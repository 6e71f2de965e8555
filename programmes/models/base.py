"""Programmes: the frame in which staff run scaling projects for their funders."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communities.models import Membership, Space, Structure


class ProgrammeQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_archived=False)

    def visible_to(self, user):
        """Staff see their programmes, funders what they fund, the lead structure its own."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        member_of = Membership.objects.filter(user=user).values("structure")
        staffed = Programme.staff.through.objects.filter(user=user).values("programme")
        funded = Programme.funders.through.objects.filter(structure__in=member_of).values(
            "programme"
        )
        return self.active().filter(
            Q(pk__in=staffed) | Q(pk__in=funded) | Q(lead_structure__in=member_of)
        )


class Programme(models.Model):
    """A scaling-up programme, e.g. "AIS#Emploi — feuille de route 2018"."""

    name = models.CharField(_("name"), max_length=200)
    lead_structure = models.ForeignKey(
        Structure,
        models.PROTECT,
        related_name="led_programmes",
        verbose_name=_("lead structure"),
    )
    description = models.TextField(_("description"), blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="staffed_programmes",
        verbose_name=_("programme staff"),
    )
    funders = models.ManyToManyField(
        Structure, blank=True, related_name="funded_programmes", verbose_name=_("funders")
    )
    # The space open to all the programme's adopters, beside each cohort's own.
    space = models.OneToOneField(Space, models.SET_NULL, null=True, blank=True,
                                 related_name="programme", verbose_name=_("community space"))
    is_archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(m2m_fields=[staff, funders])

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="programme_ends_after_start",
                violation_error_message=_("The end date must come after the start date."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("programmes:programme_detail", args=[self.pk])
