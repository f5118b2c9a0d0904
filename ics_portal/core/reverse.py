"""reverse() for URLs built once per row of a long list (API lists, the structure diagram)."""

import re

from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

PLAIN_VALUE = re.compile(r"^[-A-Za-z0-9_]+$")
_URL_TEMPLATES: dict[tuple, str | None] = {}
_MISSING = object()


def url_template(viewname: str, names: tuple[str, ...]) -> str | None:
    """The path of `viewname` with a `__name__` marker for each kwarg, reversed once per prefix."""
    key = (get_script_prefix(), get_urlconf(), viewname, names)
    template = _URL_TEMPLATES.get(key, _MISSING)
    if template is _MISSING:
        try:
            template = reverse(viewname, kwargs={name: f"__{name}__" for name in names})
        except NoReverseMatch:  # a converter that refuses the marker (e.g. <int:pk>)
            template = None
        _URL_TEMPLATES[key] = template
    return template


def fast_reverse(viewname: str, **kwargs) -> str:
    """reverse(viewname, kwargs=kwargs), without paying reverse() for every row.

    reverse() costs ~0.1 ms, which a 100-row list or a 130-board diagram pays per row
    (bench/run, issue 6); so each URL pattern is reversed once, with markers, and
    slugs and ids are put into that template. Anything else still goes through reverse().
    """
    values = {name: str(value) for name, value in kwargs.items()}
    template = url_template(viewname, tuple(sorted(values)))
    if template is None or not all(PLAIN_VALUE.match(value) for value in values.values()):
        return reverse(viewname, kwargs=kwargs)
    for name, value in values.items():
        template = template.replace(f"__{name}__", value)
    return template
