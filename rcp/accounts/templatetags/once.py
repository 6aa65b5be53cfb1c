"""`{% submit_once %}`: the one-time token of a form that creates rows (rcp/accounts/once.py)."""

from django import template
from django.utils.html import format_html

from ..once import FIELD, new_token

register = template.Library()


@register.simple_tag
def submit_once():
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_token())
