from django import template

from shop.basket import summary
from website import navigation

register = template.Library()


@register.inclusion_tag("includes/primary_nav.html", takes_context=True)
def primary_navigation(context):
    request = context["request"]
    return {"links": navigation.site_links(request)["primary"], "current_path": request.path}


@register.inclusion_tag("includes/footer.html", takes_context=True)
def site_footer(context):
    return {"site": navigation.site_links(context["request"])}


@register.simple_tag(takes_context=True)
def basket_item_count(context) -> int:
    return summary.item_count(context["request"])
