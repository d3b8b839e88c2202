"""A faster `<select>` for WTForms: the same HTML as `wtforms.widgets.Select`, each option's
markup built once and reused.

A list page's filter form renders seven selects with about forty options on every request;
WTForms builds each option through `html_params` (sorting and escaping its attributes) each
time, which cost about as much as the page's 50 rows. The options of a choice list rarely
change (enum labels, code lists), so their markup is kept by (value, label, selected).
Option groups, multiple selects and per-option attributes go through WTForms unchanged.
"""
from __future__ import annotations

from markupsafe import Markup
from wtforms import SelectField
from wtforms.widgets import Select, html_params

MAX_CACHED_OPTIONS = 4096


class CachedSelect(Select):
    def __init__(self, multiple: bool = False) -> None:
        super().__init__(multiple=multiple)
        self._options: dict[tuple, Markup] = {}

    def __call__(self, field, **kwargs):
        normalized = getattr(field, "_iter_choices_normalized", None)  # WTForms 3.3
        if self.multiple or normalized is None or field.has_groups():
            return super().__call__(field, **kwargs)
        kwargs.setdefault("id", field.id)
        flags = getattr(field, "flags", {})
        for name in self.validation_attrs:  # as Select: required / disabled from the field's flags
            if name not in kwargs and getattr(flags, name, False):
                kwargs[name] = getattr(flags, name)
        parts = [f"<select {html_params(name=field.name, **kwargs)}>"]
        cache = self._options
        for choice in normalized():
            if choice.render_kw:
                parts.append(self.render_option(choice))
                continue
            key = (type(choice.value), choice.value, str(choice.label), bool(choice.selected))
            try:
                option = cache.get(key)
            except TypeError:  # an unhashable value: rendered each time
                parts.append(self.render_option(choice))
                continue
            if option is None:
                option = self.render_option(choice)
                if len(cache) < MAX_CACHED_OPTIONS:
                    cache[key] = option
            parts.append(option)
        parts.append("</select>")
        # html_params and render_option escaped every part: the joined markup is safe.
        return Markup("".join(parts))  # noqa: S704  # nosec B704


def install() -> None:
    """Every `SelectField` (not `SelectMultipleField`, which has its own widget) renders through
    `CachedSelect`."""
    if not isinstance(SelectField.widget, CachedSelect):
        SelectField.widget = CachedSelect()
