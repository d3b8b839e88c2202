"""WTForms fields shared by every form: dates typed in any common spelling, regions chosen with the
cascading picker, a person chosen by name search, and the explicit confirmation of an action.

The fields only read and shape input; operations keep validating values and scope."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise

from flask_login import current_user
from wtforms import StringField
from wtforms.validators import StopValidation

from app.core.access.scope import scope_region
from app.core.fields import DATE_EXAMPLE, date_format_message, to_date
from app.regions.models import LEVEL_ORDER, Region, RegionLevel
from app.regions.operations import by_code, children


class DateField(StringField):
    """A date typed as 2025-12-31, 2025/12/31, 2025.12.31, 20251231 or 2025年12月31日.

    `.data` is a `date` (None when blank); a value no spelling reads keeps the typed text on the
    page and gives the Chinese message naming the field."""

    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {"autocomplete": "off", "placeholder": f"如 {DATE_EXAMPLE}", **(kwargs.pop("render_kw", None) or {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "") or ""
        if not text.strip():
            self.data = None
            return
        self.data = to_date(text)
        if self.data is None:
            raise ValueError(date_format_message(self.label.text))

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        if isinstance(self.data, date):
            return self.data.isoformat()
        return self.data or ""


@dataclass
class PickerLevel:
    """One select of the region picker: its level, options (code, name) and the chosen code.
    A level whose parent is not chosen yet has no options and is disabled."""

    level: RegionLevel
    options: list[tuple[str, str]]
    selected: str
    blank: str

    @property
    def enabled(self) -> bool:
        return bool(self.options)


@dataclass
class Picker:
    """What the `region_picker` macro draws for one user: the fixed home region (shown by name) and
    one select per level below it, down to the field's level."""

    home: Region | None
    fixed: bool  # the user's scope leaves one choice: the home region itself
    root_value: str  # posted when nothing below the home region is chosen ("" = nothing)
    levels: list[PickerLevel] = field(default_factory=list)


class RegionField(StringField):
    """A region chosen with the cascading picker (county → township → village) within the user's
    scope; `.data` is the region's code ("" when none).

    The page draws one select per level below the user's home region; without JavaScript they are
    all posted under the field's name and the deepest choice is the value (the script posts one
    value). `level` is the level that must be chosen (VILLAGE for a household village); None takes
    any level, and with `home_is_choice` choosing nothing below the home region means the home
    region itself (an account's region). Scope is still checked by the operations."""

    def __init__(self, label=None, validators=None, *, level: RegionLevel | None = RegionLevel.VILLAGE,
                 home_is_choice: bool = False, blank: str | None = None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.level = level
        self.home_is_choice = home_is_choice
        self.blank = blank or ("请选择{level}" if level is not None else "全部{level}")
        self.posted: list[str] = []

    def process_formdata(self, valuelist):
        self.posted = [v.strip() for v in valuelist if v and v.strip()]
        self.data = self.posted[-1] if self.posted else ""

    def _value(self) -> str:
        return self.data or ""

    def pre_validate(self, form) -> None:
        if not self.data:
            return
        chosen = [by_code(code) for code in self.posted]
        if any(region is None for region in chosen):
            raise StopValidation(f"「{self.label.text}」所选区域不存在，请重新选择。")
        for upper, lower in pairwise(chosen):
            if not upper.contains(lower):
                raise StopValidation(f"所选{lower.level.label}{lower.name}不在{upper.name}之内，请重新选择。")
        if self.level is not None and chosen[-1].level != self.level:
            raise StopValidation(f"「{self.label.text}」请选择到{self.level.label}。")

    def picker(self) -> Picker:
        """The selects for the signed-in user, with the current value's chain chosen."""
        home = scope_region(current_user)
        if home is None:
            return Picker(home=None, fixed=False, root_value="")
        bottom = self.level or RegionLevel.VILLAGE
        root_value = home.code if self.home_is_choice or home.level == self.level else ""
        if home.level.depth >= bottom.depth:
            return Picker(home=home, fixed=True, root_value=root_value)
        current = by_code(self.data) if self.data else None
        chain: list[Region] = []
        node = current if current is not None and home.contains(current) else None
        while node is not None and node.id != home.id:
            chain.insert(0, node)
            node = node.parent
        picker = Picker(home=home, fixed=False, root_value=root_value)
        parent: Region | None = home
        for depth in range(home.level.depth + 1, bottom.depth + 1):
            level = LEVEL_ORDER[depth]
            index = depth - home.level.depth - 1
            selected = chain[index] if index < len(chain) else None
            options = [(r.code, r.name) for r in children(parent)] if parent is not None else []
            blank = self.blank.format(level=level.label, parent=parent.name if parent is not None else "")
            picker.levels.append(PickerLevel(level, options, selected.code if selected else "", blank))
            parent = selected
        return picker
