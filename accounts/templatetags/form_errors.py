"""The error summary at the top of a form: every error, each a link to its field."""

from django import template

register = template.Library()


def _anchor(bound_field):
    """The id of the input a link to this field lands on: the field itself, or the
    first of its options (radio buttons and checkbox lists label no single input)."""
    return bound_field.id_for_label or (f"{bound_field.auto_id}_0" if bound_field.auto_id else "")


def summary_items(*forms):
    """(anchor or "", label or "", message) for each error of the given forms, non-field
    errors first, then the fields in the order the form lists them."""
    items = []
    for form in forms:
        if not form or not form.is_bound:
            continue
        items.extend(("", "", error) for error in form.non_field_errors())
        for bound_field in form:
            for error in bound_field.errors:
                if bound_field.is_hidden:
                    items.append(("", "", error))
                else:
                    items.append((_anchor(bound_field), bound_field.label, error))
    return items


@register.inclusion_tag("includes/error_summary.html")
def error_summary(*forms, message=""):
    """{% error_summary form other_form message=_("...") %}: nothing when the forms have
    no error; `message` says in a sentence what went wrong, above the list."""
    return {"items": summary_items(*forms), "message": message}
