"""Form fields drawn as crispy-forms' Bootstrap 5 pack draws them, without its generic renderer.

crispy-forms renders six templates for every field, and on the decision pages and the request
form that was a tenth of the page's time. These filters write the same markup (the wrapper,
the label or the legend with its required mark, the widget with its classes, aria-invalid and
aria-describedby, the error block the error summary links to, the hint) for text, number,
date, select, checkbox, radio and checkbox-list fields, and hand every other widget (files,
hidden and compound widgets) to crispy-forms as before:

- `lean_field` draws a field as `as_crispy_field` does (its errors as paragraphs);
- `lean_layout_field` as `{% crispy form %}` draws a field of the form's layout (its errors
  as spans beside the widget, the radio and checkbox lists' errors still as paragraphs).

tests/web/test_lean_field.py holds both to crispy-forms' markup.
"""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.forms.boundfield import BoundField
from django.utils import formats
from django.utils.html import conditional_escape, escape, format_html, format_html_join
from django.utils.safestring import SafeData, SafeString, mark_safe

register = template.Library()

# Widgets drawn here; every other goes to crispy-forms.
TEXT_LIKE = (
    forms.Textarea,
    forms.TextInput,
    forms.EmailInput,
    forms.NumberInput,
    forms.DateInput,
    forms.TimeInput,
)
CHOICE_LISTS = (forms.RadioSelect,)  # CheckboxSelectMultiple is a RadioSelect too
DRAWN_HERE = (*TEXT_LIKE, forms.Select, forms.CheckboxInput, *CHOICE_LISTS)
ASTERISK = mark_safe('<span class="asteriskField">*</span>')


def _drawn_here(field: BoundField) -> bool:
    widget = field.field.widget
    return (
        not field.is_hidden
        and isinstance(widget, DRAWN_HERE)
        and not hasattr(widget, "widgets")
        and bool(field.label)
    )


@register.filter
def lean_field(field: BoundField) -> str:
    """The field as `as_crispy_field` draws it."""
    if not _drawn_here(field):
        return as_crispy_field(field)
    return _draw(field, inline_errors=False)


@register.filter
def lean_layout_field(field: BoundField) -> str:
    """The field as `{% crispy form %}` draws it in the form's layout."""
    if not _drawn_here(field):
        return as_crispy_field(field)
    return _draw(field, inline_errors=True)


def _draw(field: BoundField, *, inline_errors: bool) -> SafeString:
    widget = field.field.widget
    if isinstance(widget, CHOICE_LISTS):
        return _choice_list(field)
    if isinstance(widget, forms.CheckboxInput):
        return _checkbox(field, inline_errors)
    required = field.field.required
    label = format_html(
        '<label for="{}" class="form-label{}">{}{}</label>',
        field.id_for_label,
        " requiredField" if required else "",
        field.label,
        ASTERISK if required else "",
    )
    return format_html(
        '<div id="div_{}" class="mb-3{}">{}{}{}{}</div>',
        field.auto_id,
        _css_classes(field),
        label,
        _select(field) if isinstance(widget, forms.Select) else _widget(field, "form-control"),
        _errors(field, inline_errors),
        _hint(field),
    )


def _css_classes(field: BoundField) -> str:
    classes = field.css_classes()
    return f" {classes}" if classes else ""


def _classes(field: BoundField, extra: str) -> str:
    """The widget's classes as crispy-forms gives them: its own, its kind's, then Bootstrap's."""
    widget = field.field.widget
    kind = type(widget).__name__.lower()
    css = widget.attrs.get("class", "")
    if kind not in css:
        css = f"{css} {kind}" if css else kind
    return css + (f" {extra} is-invalid" if field.errors else f" {extra}")


# Django's widget templates that write one <input> (input.html and the types that include it)
# and the text area: written here in the same bytes, for each is three template renders there.
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{kind}.html"
    for kind in ("input", "text", "email", "number", "date", "time", "url", "password")
)
TEXTAREA_TEMPLATE = "django/forms/widgets/textarea.html"


def _widget(field: BoundField, extra: str) -> str:
    """The widget as BoundField.as_widget draws it, for a text-like widget without its
    templates."""
    widget = field.field.widget
    attrs = {"class": _classes(field, extra)}
    template_name = widget.template_name
    if template_name not in INPUT_TEMPLATES and template_name != TEXTAREA_TEMPLATE:
        return field.as_widget(attrs=attrs)
    if field.field.localize:
        widget.is_localized = True
    attrs = field.build_widget_attrs(attrs, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    name = conditional_escape(context["name"])
    drawn_attrs = _template_attrs(context["attrs"])
    value = context["value"]
    if template_name == TEXTAREA_TEMPLATE:
        text = conditional_escape(value) if value else ""
        return mark_safe(f'<textarea name="{name}"{drawn_attrs}>\n{text}</textarea>')  # noqa: S308
    kind = conditional_escape(context["type"])
    shown = "" if value is None else f' value="{conditional_escape(_as_string(value))}"'
    return mark_safe(f'<input type="{kind}" name="{name}"{shown}{drawn_attrs}>')  # noqa: S308


def _template_attrs(attrs: dict) -> str:
    """Attributes as django/forms/widgets/attrs.html writes them: True bare, False left out,
    a value as `stringformat:"s"` gives it (a safe value kept as it is)."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(_as_string(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


def _as_string(value) -> str:
    """`stringformat:"s"`: the value as a string, still safe if it was."""
    return value if isinstance(value, SafeData) else str(value)


def _select(field: BoundField) -> SafeString:
    """A select as Django's widget templates write it, written here: a list of a hundred
    libraries is two hundred template renders there."""
    widget = field.field.widget
    attrs = field.build_widget_attrs({"class": _classes(field, "form-select")}, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    groups = []
    for group, options, _index in context["optgroups"]:
        drawn = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((str(o["value"]), _option_attrs(o["attrs"]), o["label"]) for o in options),
        )
        if group:
            drawn = format_html('<optgroup label="{}">{}</optgroup>', group, drawn)
        groups.append(drawn)
    return format_html(
        '<select name="{}"{}>{}</select>',
        context["name"],
        _option_attrs(context["attrs"]),
        mark_safe("".join(groups)),  # noqa: S308
    )


def _errors(field: BoundField, inline: bool) -> str:
    """The error block the summary links to: spans beside the widget, or paragraphs."""
    if not field.errors:
        return ""
    tag = "span" if inline else "p"
    return format_html(
        '<div id="{}_error" class="invalid-feedback">{}</div>',
        field.errors.field_id,
        format_html_join(
            "",
            f'<{tag} id="error_{{}}_{{}}"><strong>{{}}</strong></{tag}>',
            ((number, field.auto_id, error) for number, error in enumerate(field.errors, 1)),
        ),
    )


def _hint(field: BoundField) -> str:
    if not field.help_text:
        return ""
    # Help texts are the forms' own, marked safe where they carry markup, as crispy-forms
    # takes them.
    return format_html(
        '<div id="{}_helptext" class="form-text">{}</div>',
        field.auto_id,
        mark_safe(str(field.help_text)),  # noqa: S308
    )


def _checkbox(field: BoundField, inline_errors: bool) -> SafeString:
    """A single checkbox: the box, then its label, in Bootstrap's form-check."""
    required = field.field.required
    css = "form-check-input is-invalid" if field.errors else "form-check-input"
    widget = field.field.widget
    kind = type(widget).__name__.lower()
    own = widget.attrs.get("class", "")
    if kind not in own:
        own = f"{own} {kind}" if own else kind
    return format_html(
        '<div class="mb-3"><div id="div_{}" class="form-check{}">{}'
        '<label for="{}" class="form-check-label{}">{}{}</label>{}{}</div></div>',
        field.auto_id,
        _css_classes(field),
        field.as_widget(attrs={"class": f"{own} {css}"}),
        field.id_for_label,
        " requiredField" if required else "",
        field.label,
        ASTERISK if required else "",
        _errors(field, inline_errors),
        _hint(field),
    )


def _choice_list(field: BoundField) -> SafeString:
    """Radio buttons or a list of checkboxes: a fieldset with the label as its legend, an
    option a row, the errors under the last option, the hint below."""
    required = field.field.required
    describedby = field.aria_describedby
    invalid = " is-invalid" if field.errors else ""
    id_ = field.field.widget.attrs.get("id") or field.auto_id
    attrs = field.build_widget_attrs({"id": id_} if id_ else {})
    values = field.field.widget.format_value(field.value())
    groups = field.field.widget.optgroups(field.html_name, values, attrs)
    last_group = len(groups) - 1
    rows = []
    for number, (group, options, _index) in enumerate(groups):
        if group:
            rows.append(format_html("<strong>{}</strong>", group))
        for position, option in enumerate(options):
            errors = ""
            if number == last_group and position == len(options) - 1:
                errors = _errors(field, inline=False)
            rows.append(
                format_html(
                    '<div class="form-check"><input type="{}" class="form-check-input{}" '
                    'name="{}" value="{}"{}><label for="{}" class="form-check-label">{}</label>'
                    "{}</div>",
                    option["type"],
                    invalid,
                    field.html_name,
                    formats.localize(option["value"], use_l10n=False),
                    _option_attrs(option["attrs"]),
                    option["attrs"].get("id", ""),
                    formats.localize(option["label"], use_l10n=False),
                    errors,
                )
            )
    return format_html(
        '<div id="div_{}" class="mb-3{}"><fieldset{}>'
        '<legend class="form-label{} fs-6">{}{}</legend><div>{}</div>{}</fieldset></div>',
        field.auto_id,
        _css_classes(field),
        format_html(' aria-describedby="{}"', describedby) if describedby else "",
        " requiredField" if required else "",
        field.label,
        ASTERISK if required else "",
        mark_safe("".join(rows)),  # noqa: S308
        _hint(field),
    )


def _option_attrs(attrs: dict) -> SafeString:
    """Attributes as the widget templates write them: True bare, False left out."""
    return mark_safe(  # noqa: S308
        "".join(
            f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
            for name, value in attrs.items()
            if value is not False
        )
    )
