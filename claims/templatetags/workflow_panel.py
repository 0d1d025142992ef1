"""Template tag for the claim page's workflow panel: the transitions this user may make, and why not."""

from django import template

from claims.desk.workflow_views import workflow_panel_context

register = template.Library()


@register.simple_tag(takes_context=True)
def workflow_panel_for(context, claim):
    return workflow_panel_context(context["request"], claim)
