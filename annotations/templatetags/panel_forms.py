"""``{{ form|panel_form }}``: the side panel's forms in the markup crispy-forms' bootstrap5
pack gives them (same ids, classes, labels, help and error blocks), built in Python.

The panel is on the hot path of the article page and of every write's answer; crispy's
template per field made its forms about a quarter of the page's time, and Django's widget
templates most of the rest. The widgets the panel uses (inputs, textarea, select) are
written here from the widget's own context (``get_context``: the same attributes, value
formatting and selected options as its template); any other widget goes through its
template. A test compares the output with crispy's for every panel form, bound and
unbound.
"""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _attrs(attrs: dict[str, Any]) -> SafeString:
    """Django's ``attrs.html``: ``False`` left out, ``True`` a bare attribute."""
    return format_html_join(
        "",
        " {}{}",
        (
            (name, format_html('="{}"', str(value)) if value is not True else "")
            for name, value in attrs.items()
            if value is not False
        ),
    )


def _widget(field: forms.BoundField, attrs: dict[str, Any]) -> SafeString:
    """``field.as_widget(attrs=attrs)`` without the widget's template for the panel's widgets."""
    widget = field.field.widget
    if type(widget) not in _WRITTEN or field.field.localize:
        return field.as_widget(attrs=attrs)
    attrs = field.build_widget_attrs(attrs, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    name, value, built = context["name"], context["value"], _attrs(context["attrs"])
    if isinstance(widget, forms.Textarea):
        return format_html('<textarea name="{}"{}>\n{}</textarea>', name, built, value or "")
    if isinstance(widget, forms.Select):
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option["value"], _attrs(option["attrs"]), option["label"])
                for _, group, _ in context["optgroups"]
                for option in group
            ),
        )
        return format_html('<select name="{}"{}>{}</select>', name, built, options)
    return format_html(
        '<input type="{}" name="{}"{}{}>',
        context["type"],
        name,
        format_html(' value="{}"', value) if value is not None else "",
        built,
    )


_WRITTEN = {
    forms.HiddenInput,
    forms.TextInput,
    forms.URLInput,
    forms.NumberInput,
    forms.EmailInput,
    forms.Textarea,
    forms.Select,
}


def _field(field: forms.BoundField) -> SafeString:
    if field.is_hidden:
        return _widget(field, {})
    widget = field.field.widget
    errors = field.errors
    kind = "form-select" if isinstance(widget, forms.Select) else "form-control"
    css = f"{type(widget).__name__.lower()} {kind}{' is-invalid' if errors else ''}"
    required = field.field.required
    label = format_html(
        '<label for="{}" class="form-label{}">{}{}</label>',
        field.id_for_label,
        " requiredField" if required else "",
        field.label,
        mark_safe('<span class="asteriskField">*</span>') if required else "",
    )
    error_block = (
        format_html(
            '<div id="{}_error" class="invalid-feedback">{}</div>',
            field.auto_id,
            format_html_join(
                "",
                '<p id="error_{}_{}"><strong>{}</strong></p>',
                ((i, field.auto_id, e) for i, e in enumerate(errors, start=1)),
            ),
        )
        if errors
        else ""
    )
    help_block = (
        format_html(
            '<div id="{}_helptext" class="form-text">{}</div>',
            field.auto_id,
            mark_safe(field.help_text),  # noqa: S308 - crispy marks help text safe too
        )
        if field.help_text
        else ""
    )
    return format_html(
        '<div id="div_{}" class="mb-3">{}{}{}{}</div>',
        field.auto_id,
        label if field.label else "",
        _widget(field, {"class": css}),
        error_block,
        help_block,
    )


@register.filter
def panel_form(form: forms.BaseForm) -> SafeString:
    """The form's non-field errors (an alert) and every field, in order."""
    parts = []
    if errors := form.non_field_errors():
        parts.append(
            format_html(
                '<div class="alert alert-block alert-danger"><ul class="m-0">{}</ul></div>',
                format_html_join("", "<li>{}</li>", ((e,) for e in errors)),
            )
        )
    parts += [_field(field) for field in form]
    return mark_safe("".join(parts))  # noqa: S308 - every part is built by format_html
