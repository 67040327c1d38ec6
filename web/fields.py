"""A form field drawn as crispy-forms' Bootstrap 5 pack draws it, without its generic renderer.

crispy-forms renders six templates for every field, and on the decision pages that was a
tenth of the page's time. `lean_field` writes the same markup (the wrapper, the label with
its required mark, the widget with its classes, aria-invalid and aria-describedby, the error
block the error summary links to, the hint) for the text-like widgets, and hands every other
widget (choices, checkboxes, files, hidden and compound widgets) to crispy-forms as before.
tests/web/test_lean_field.py holds it to crispy-forms' markup.
"""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()

# Widgets drawn here; every other goes to crispy-forms.
TEXT_LIKE = (forms.Textarea, forms.TextInput, forms.EmailInput, forms.DateInput, forms.TimeInput)


def _drawn_here(field: BoundField) -> bool:
    widget = field.field.widget
    return (
        not field.is_hidden
        and isinstance(widget, TEXT_LIKE)
        and not hasattr(widget, "widgets")
        and bool(field.label)
    )


@register.filter
def lean_field(field: BoundField) -> str:
    if not _drawn_here(field):
        return as_crispy_field(field)
    widget = field.field.widget
    kind = type(widget).__name__.lower()
    css = widget.attrs.get("class", "")
    if kind not in css:
        css = f"{css} {kind}" if css else kind
    css += " form-control is-invalid" if field.errors else " form-control"
    required = field.field.required
    label = format_html(
        '<label for="{}" class="form-label{}">{}{}</label>',
        field.id_for_label,
        " requiredField" if required else "",
        field.label,
        mark_safe('<span class="asteriskField">*</span>') if required else "",
    )
    errors = ""
    if field.errors:
        errors = format_html(
            '<div id="{}_error" class="invalid-feedback">{}</div>',
            field.errors.field_id,
            format_html_join(
                "",
                '<p id="error_{}_{}"><strong>{}</strong></p>',
                ((number, field.auto_id, error) for number, error in enumerate(field.errors, 1)),
            ),
        )
    hint = ""
    if field.help_text:
        # Help texts are the forms' own, marked safe where they carry markup, as crispy-forms
        # takes them.
        hint = format_html(
            '<div id="{}_helptext" class="form-text">{}</div>',
            field.auto_id,
            mark_safe(str(field.help_text)),  # noqa: S308
        )
    return format_html(
        '<div id="div_{}" class="mb-3{}">{}{}{}{}</div>',
        field.auto_id,
        f" {field.css_classes()}" if field.css_classes() else "",
        label,
        field.as_widget(attrs={"class": css}),
        errors,
        hint,
    )
