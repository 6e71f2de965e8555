from django import template
from django.template.loader import render_to_string

register = template.Library()


@register.simple_tag
def field(bound_field):
    """Render a form field with its label, help and errors tied to the input for screen readers."""
    described_by = []
    if bound_field.help_text:
        described_by.append(f"{bound_field.auto_id}_help")
    if bound_field.errors:
        described_by.append(f"{bound_field.auto_id}_errors")
    attrs = {}
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    if bound_field.errors:
        attrs["aria-invalid"] = "true"
    widget = bound_field.as_widget(attrs=attrs)
    return render_to_string("_field.html", {"field": bound_field, "widget": widget})


@register.simple_tag(takes_context=True)
def extra_project_tabs(context, project):
    """The tabs other apps add to a scaling project's pages (see essaimage.navigation)."""
    from essaimage.navigation import extra_project_tabs as tabs_of

    request = context.get("request")
    return tabs_of(project, getattr(request, "user", None))


@register.simple_tag
def extra_programme_links(programme):
    """The links other apps add to a programme's page (see essaimage.navigation)."""
    from essaimage.navigation import extra_programme_links as links_of

    return links_of(programme)
