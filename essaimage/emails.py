"""E-mails rendered from three templates (subject, text, HTML) in the recipient's language."""

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import translation

# How long a sent e-mail is remembered, so that a task delivered twice sends it once.
SENT_MEMORY_SECONDS = 60 * 60 * 24 * 60


def claim_send(key: str) -> bool:
    """Claim the right to send one e-mail; False if it was already sent (or is being sent).

    For one-off e-mails that follow an action (a decision, a seat offered): the cache (Redis in
    production) remembers the key for 60 days. Scheduled reminders use the sent-log instead."""
    return cache.add(key, True, SENT_MEMORY_SECONDS)


def release_send(key: str) -> None:
    """Forget a claim whose e-mail could not be sent, so that the retry sends it."""
    cache.delete(key)


def absolute_url(path: str) -> str:
    """Turn a site path into a link that works from a mailbox."""
    return f"{settings.SITE_URL}{path}"


def render_plain_text(template_name: str, context: dict) -> str:
    """Render a template that is not HTML: without escaping, so that « l'atelier » does not
    reach a mailbox as « l&#x27;atelier »."""
    template = get_template(template_name).template
    return template.render(Context(context, autoescape=False))


def send_templated_email(name: str, *, to: list[str], context: dict, language: str,
                         attachments: tuple = ()) -> None:
    """Send `emails/<name>.*` to `to`, written in `language`, with a plain-text and an HTML part
    (and `attachments`, as (filename, content, mimetype) triples)."""
    with translation.override(language):
        context = {"site_url": settings.SITE_URL, **context}
        subject = render_plain_text(f"emails/{name}.subject.txt", context)
        subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split())
        text = render_plain_text(f"emails/{name}.txt", context)
        html = render_to_string(f"emails/{name}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, to)
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    message.send()
