from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import MESSAGE_MAX_LENGTH, Post, Thread
from ..selectors.spaces import FeedKind
from ..services.spaces import ATTACHMENTS_MAX, REASON_MAX_LENGTH, TITLE_MAX_LENGTH

ACCEPTED_FILES = ".pdf,.png,.jpg,.jpeg,.docx,.xlsx,.pptx,.odt,.ods,.odp,.csv,.txt"


class FeedFilterForm(forms.Form):
    q = forms.CharField(label=_("Search titles and messages"), required=False, max_length=200,
                        widget=forms.SearchInput(attrs={"autocomplete": "off"}))
    kind = forms.ChoiceField(label=_("Show"), choices=FeedKind.CHOICES, required=False)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files in one input; the service checks their number, type and size."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPTED_FILES}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(AttachmentsField, self).clean(file, initial) for file in data if file]
        return [data] if data else []


def attachments_field():
    return AttachmentsField(
        label=_("Attachments"), required=False,
        help_text=_("Up to %(max)s files of 10 MB each: PDF, images, office documents, CSV "
                    "or text.") % {"max": ATTACHMENTS_MAX})


MESSAGE_HELP = _("Markdown: **bold**, *italic*, lists with -, links [text](https://…).")


def message_field(label):
    return forms.CharField(label=label, max_length=MESSAGE_MAX_LENGTH, help_text=MESSAGE_HELP,
                           widget=forms.Textarea(attrs={"rows": 8}))


class ThreadForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=Thread.Kind.choices, initial=Thread.Kind.DISCUSSION,
        widget=forms.RadioSelect,
        help_text=_("A question to peers can receive a helpful answer, marked by the person "
                    "who asked."))
    body = message_field(_("Message"))
    attachments = attachments_field()


class ReplyForm(forms.Form):
    body = message_field(_("Your reply"))
    attachments = attachments_field()


class PostEditForm(forms.Form):
    title = forms.CharField(label=_("Title of the thread"), max_length=TITLE_MAX_LENGTH)
    body = message_field(_("Message"))

    def __init__(self, *args, post: Post, **kwargs):
        super().__init__(*args, **kwargs)
        if not post.is_opening:
            del self.fields["title"]


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for hiding"), max_length=REASON_MAX_LENGTH,
        help_text=_("Shown to the moderators and kept in the history."))
