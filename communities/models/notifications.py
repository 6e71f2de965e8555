"""Notifications: what happened that a person should know, shown in the app and sent by
e-mail at once or in a daily digest, as each person chooses per kind."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Kind(models.TextChoices):
        MENTION = "mention", _("Someone mentioned me")
        REPLY = "reply", _("A reply in a thread I take part in")
        HELPFUL_ANSWER = "helpful_answer", _("My answer was marked as helpful")
        VALUE_RETURNED = "value_returned", _("An indicator value returned for revision")
        NEW_EVENT = "new_event", _("A new event in my spaces")
        MEETING_PACK = "meeting_pack", _("A meeting pack is ready")

    class Delivery(models.TextChoices):
        IN_APP = "in_app", _("In the application only")
        IMMEDIATE = "immediate", _("By e-mail at once")
        DIGEST = "digest", _("In a daily e-mail digest")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE,
                                  related_name="notifications")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("details"), blank=True)
    url = models.CharField(_("address"), max_length=500, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("by"))
    delivery = models.CharField(_("delivery"), max_length=20, choices=Delivery,
                                default=Delivery.IN_APP, editable=False,
                                help_text=_("The person's choice when it was created."))
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    read_at = models.DateTimeField(null=True, blank=True)
    # Set once, when the e-mail (immediate or digest) takes this item: never sent twice.
    emailed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_list"),
            models.Index(fields=["recipient"], condition=models.Q(read_at__isnull=True),
                         name="notification_unread"),
            models.Index(fields=["delivery"], condition=models.Q(emailed_at__isnull=True),
                         name="notification_to_email"),
        ]

    def __str__(self):
        return self.title


class NotificationPreference(models.Model):
    """A person's choice of delivery for one kind of notification (the default applies
    when there is none)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE,
                             related_name="notification_preferences")
    kind = models.CharField(_("kind"), max_length=30, choices=Notification.Kind)
    delivery = models.CharField(_("delivery"), max_length=20, choices=Notification.Delivery)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once"),
        ]

    def __str__(self):
        return f"{self.user}: {self.kind} → {self.delivery}"
