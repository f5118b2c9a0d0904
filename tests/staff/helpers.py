"""Turning a rendered admin change form back into the POST data a browser would send."""

from django import forms


def _put(data, name, field, value):
    if isinstance(field.widget, forms.MultiWidget) and not isinstance(value, list):
        for i, part in enumerate(field.widget.decompress(value)):
            data[f"{name}_{i}"] = "" if part is None else str(part)
        return
    if isinstance(field, forms.FileField):
        return
    if isinstance(field, forms.BooleanField):
        if value:
            data[name] = "on"
        return
    if value is None:
        data[name] = ""
    elif isinstance(value, (list, tuple)):
        data[name] = [str(v) for v in value]
    else:
        data[name] = str(value)


def _form(data, form):
    for name, field in form.fields.items():
        _put(data, form[name].html_name, field, form[name].value())


def admin_form_data(response) -> dict:
    """The change form's current values, with its inline formsets, ready to POST."""
    data = {}
    _form(data, response.context["adminform"].form)
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        _form(data, formset.management_form)
        for form in formset.forms:
            _form(data, form)
    return data
