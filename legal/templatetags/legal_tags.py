from django import template

from legal import document

register = template.Library()


@register.simple_tag
def legal_sections(revision):
    """The numbered sections of a version, for the durable copy in emails."""
    return document.numbered_sections(revision.as_object().body)
