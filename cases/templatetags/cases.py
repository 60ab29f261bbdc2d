from django import template
from django.utils.html import format_html

from cases import physical

register = template.Library()


@register.filter
def classification(code, scale):
    """A stored class code shown as its label, coloured by its level."""
    found = physical.classification(scale, code) if code else None
    if found is None:
        return code or ""
    return format_html('<span class="level-{}">{}</span>', found.level, found.label)
