"""The error summary's lines (templates/includes/form_errors.html), as a template library.

GOV.UK's pattern: each error is a link to its field, worded so that it names what to fix
("Write your name"). Django's own messages do not name their field ("Enter a whole
number."), so those lines begin with the field's label.
"""

from django import forms, template

register = template.Library()


def _generic_messages(field: forms.Field) -> set[str]:
    """Django's default messages for this kind of field and its validators."""
    messages = set()
    for cls in reversed(type(field).__mro__):
        messages.update(str(m) for m in getattr(cls, "default_error_messages", {}).values())
    for validator in field.validators:
        message = getattr(validator, "message", None)
        if message is not None:
            messages.add(str(message))
    return messages


def _anchor(bound: forms.BoundField) -> str:
    return bound.id_for_label or f"{bound.auto_id}_0"


@register.simple_tag
def error_summary(form: forms.BaseForm) -> list[dict]:
    """The summary's lines in the form's order: {"text", "anchor"}; anchor is "" when none."""
    lines = [{"text": str(error), "anchor": ""} for error in form.non_field_errors()]
    for bound in form.hidden_fields():
        lines += [{"text": str(error), "anchor": ""} for error in bound.errors]
    for bound in form.visible_fields():
        errors = form.errors.as_data().get(bound.name, [])
        generic = _generic_messages(bound.field) if errors else set()
        for error in errors:
            for text, template_text in zip(error, _templates(error), strict=True):
                if template_text in generic:
                    text = f"{bound.label}: {text}"
                lines.append({"text": text, "anchor": _anchor(bound)})
    return lines


def _templates(error) -> list[str]:
    """Each message of a ValidationError before its parameters were filled in."""
    return [str(e.message) for e in error.error_list]
