"""The person fields are declared once (app/persons/fields.py) and drive the form, the API schema,
the import columns and the import template's notes."""
from __future__ import annotations

from wtforms.validators import Length

from app.persons import fields as person_fields
from app.persons.api import PersonCreateSchema, PersonFieldsSchema
from app.persons.forms import PersonForm
from app.persons.imports import read
from app.persons.imports.templates import _column_descriptions
from app.persons.labels import FIELD_LABELS
from app.persons.operations import EDITABLE_FIELDS


def test_every_declared_field_reaches_form_api_and_import(app):
    with app.test_request_context():
        form = PersonForm(meta={"csrf": False})
    schema = PersonCreateSchema()
    assert set(read.IMPORT_FIELDS) == {f.name for f in person_fields.FIELDS}
    assert EDITABLE_FIELDS == tuple(f.name for f in person_fields.FIELDS if f.name != "id_number")
    assert set(PersonFieldsSchema().fields) == set(EDITABLE_FIELDS)
    notes = _column_descriptions()
    for spec in person_fields.FIELDS:
        field = form[spec.name]
        assert field.label.text == spec.label == FIELD_LABELS[spec.name]
        lengths = [v.max for v in field.validators if isinstance(v, Length)]
        if spec.kind in (person_fields.TEXT, person_fields.NAME, person_fields.PHONE, person_fields.SKILLS):
            assert lengths == [spec.limit]
        assert spec.label in schema.fields[spec.name].metadata["description"]
        assert read.HEADER_LABELS[spec.name] == spec.header
        if spec.help and spec.kind not in (person_fields.ENUM, person_fields.CODE, person_fields.ASSESSMENT):
            assert notes[spec.name].startswith(spec.help)
    assert read.map_header([f.label for f in person_fields.FIELDS]) == [f.name for f in person_fields.FIELDS]


def test_a_declared_limit_is_the_limit_the_operation_enforces(app):
    from app.core.errors import FieldErrors
    from app.persons.operations import clean

    spec = person_fields.FIELD["occupation"]
    assert clean({"occupation": "工" * spec.limit}, current=object()) == {"occupation": "工" * spec.limit}
    try:
        clean({"occupation": "工" * (spec.limit + 1)}, current=object())
    except FieldErrors as error:
        assert error.fields["occupation"] == [f"{spec.label}不能超过 {spec.limit} 个字。"]
    else:
        raise AssertionError("a text over the declared limit must be refused")
