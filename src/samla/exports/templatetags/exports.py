"""Template access to the export registry, so menus list whatever formats are registered."""

from django import template

from samla.exports.registry import Format, formats

register = template.Library()


@register.simple_tag
def export_formats() -> list[Format]:
    """Every registered export format: `{% export_formats as formats %}`."""
    return formats()
