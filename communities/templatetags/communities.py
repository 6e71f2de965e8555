from django import template

from ..markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text):
    """Render a message written in markdown as sanitised HTML."""
    return render_markdown(text)
