"""Driving the Wagtail admin's page forms as an editor does: the data a selection's form posts."""

import html

from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data


def selection_form(month: str = "", products=(), *, action: str = "publish", remove=(), **fields) -> dict:
    """POST data of a monthly selection's form; ``action`` is "publish" (or schedule) or "save".
    ``remove``: saved picks the editor deletes (every saved pick is sent, as the browser does)."""
    removed = [
        {"id": pick.pk, "product": pick.product_id, "note": pick.note, "DELETE": "1"} for pick in remove
    ]
    added = [{"product": product.pk, "note": "A fine book"} for product in products]
    data = nested_form_data(
        {
            "title": fields.pop("title", ""),
            "slug": fields.pop("slug", ""),
            "month": month,
            "introduction": fields.pop("introduction", ""),
            "picks": inline_formset(removed + added, initial=len(removed)),
            "comments": inline_formset([]),
            **fields,
        }
    )
    if action == "publish":
        data["action-publish"] = "action-publish"
    return data


def add_url(plan_page) -> str:
    return reverse("wagtailadmin_pages:add", args=("bookclub", "monthlyselectionpage", plan_page.pk))


def edit_url(page) -> str:
    return reverse("wagtailadmin_pages:edit", args=(page.pk,))


def text(response) -> str:
    """The page as a reader sees its words (entities such as &#x27; turned back into characters)."""
    return html.unescape(response.content.decode())


def form_errors(response) -> dict:
    """The page form's errors and its picks' errors, to explain a failed save."""
    form = response.context["form"]
    return {"form": form.errors, "picks": [f.errors for f in form.formsets["picks"].forms]}
