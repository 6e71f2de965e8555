from django import forms

from ..models import Notification


class NotificationPreferencesForm(forms.Form):
    """One choice of delivery per kind of notification."""

    def __init__(self, *args, deliveries: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in Notification.Kind.choices:
            self.fields[kind] = forms.ChoiceField(
                label=label, choices=Notification.Delivery.choices, initial=deliveries[kind],
                widget=forms.RadioSelect)
