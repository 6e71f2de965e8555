"""What the notification pages read: a person's own notifications, newest first."""

from ..models import Notification


def notifications_for(user, *, unread_only: bool = False):
    """The person's notifications, newest first; nobody else's."""
    notifications = Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications

