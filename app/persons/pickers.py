"""Choosing a person by name in the user's scope (a business's founder, …): the search that the
picker's JSON endpoint and its no-JavaScript fallback share, and the WTForms field.

Only masked data leaves here (name, masked ID number, village), as on the list page."""
from __future__ import annotations

from flask_login import current_user
from wtforms import IntegerField
from wtforms.validators import StopValidation

from app.core.access.persons import can_view_person
from app.core.validators import has_unsafe_chars
from app.extensions import db
from app.persons import queries
from app.persons.models import Person

PICK_LIMIT = 10


def candidates(user, q: str | None, limit: int = PICK_LIMIT) -> list[Person]:
    """People in `user`'s scope, not archived, whose name matches `q` (Chinese or pinyin initials),
    in name order; at most `limit`."""
    text = (q or "").strip()
    if not text or len(text) > 64 or has_unsafe_chars(text):
        return []
    page = queries.list_page(user, queries.PersonFilters(q=text), "name", None, limit, table_only=True)
    return list(page.items)


def candidate_json(person: Person) -> dict:
    village = person.village
    township = village.township if village is not None else None
    place = " ".join(r.name for r in (township, village) if r is not None)
    return {"id": person.id, "name": person.name, "id_number": person.id_number_masked, "village": place}


class PersonField(IntegerField):
    """A person chosen in scope; `.data` is the person's id (None when none).

    With JavaScript the page searches as the user types and posts the chosen id. Without it the
    user types a name in `<name>_q` and submits: the one person of exactly that name is taken;
    otherwise the matches are offered as a list to choose from (`.matches`); none gives a message.
    Scope and the rules stay in the operations."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.query = ""
        self.matches: list[Person] = []

    def process(self, formdata, data=None, extra_filters=None):
        super().process(formdata, data, extra_filters)
        if formdata is not None:
            self.query = (formdata.get(f"{self.name}_q") or "").strip()
            if self.data is None and self.query:
                # A kept failed POST shown again (core.forms.restore): offer the same matches.
                self.matches = candidates(current_user, self.query, PICK_LIMIT)

    def process_formdata(self, valuelist):
        # The hidden id and, without JavaScript, the radio list of matches share the name.
        text = next((str(v).strip() for v in valuelist if v is not None and str(v).strip()), "")
        self.data = None
        if text:
            try:
                self.data = int(text)
            except ValueError:
                raise ValueError(f"「{self.label.text}」请按姓名查找并选择一位人员。") from None

    def pre_validate(self, form) -> None:
        if self.data is not None or not self.query:
            return
        found = candidates(current_user, self.query, PICK_LIMIT + 1)
        if len(found) == 1 and found[0].name == self.query:
            self.data = found[0].id
            return
        if not found:
            raise StopValidation(f"在您的管辖范围内没有找到姓名为「{self.query}」的人员。")
        self.matches = found[:PICK_LIMIT]
        more = "（只列出前 10 位，输入全名可缩小范围）" if len(found) > PICK_LIMIT else ""
        raise StopValidation(f"请在下面选择「{self.label.text}」{more}。")

    @property
    def person(self) -> Person | None:
        """The chosen person when the user may see them (shown by name on the page)."""
        if not isinstance(self.data, int) or not 0 < self.data < 2**31:
            return None
        person = db.session.get(Person, self.data)
        return person if person is not None and can_view_person(current_user, person) else None
