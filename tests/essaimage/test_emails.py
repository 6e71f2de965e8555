"""Templated e-mails: the plain-text part is text, the HTML part is escaped HTML."""

from types import SimpleNamespace

from django.core import mail

from essaimage.emails import send_templated_email


def test_the_plain_text_part_and_the_subject_are_not_html_escaped(settings):
    notification = SimpleNamespace(title="L'atelier <Le Fil> & co", body="")
    send_templated_email("notification", to=["bob@example.org"], language="fr",
                         context={"notification": notification, "url": "",
                                  "preferences_url": "https://essaimage.test/notifications/"})
    message = mail.outbox[0]
    assert "L'atelier <Le Fil> & co" in message.subject
    assert "L'atelier <Le Fil> & co" in message.body
    html = message.alternatives[0][0]
    assert "L&#x27;atelier &lt;Le Fil&gt; &amp; co" in html
