"""`/api/v1/persons`: the person library over JSON (issue 3 §8).

ID numbers and phones are always answered masked. A full ID number or phone is searched with
`POST /api/v1/persons/search` (request body), never in a query string.

Near duplicates (same name and birth date, or same phone) do not block an API write: the record
is saved and the 201/200 answer lists them under `warnings` (only records the caller may see are
named; the others are counted). A duplicate ID number is refused with 409 `conflict`.
"""
from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from app.api.schemas import ErrorEnvelope, version_field
from app.core.access import ASSIGNMENT_ROLES, REGION_ROLES, rule
from app.core.access import persons as access
from app.core.errors import FieldErrors
from app.extensions import db
from app.persons import fields as person_fields
from app.persons import operations as ops
from app.persons import queries
from app.persons.fields import PersonField
from app.persons.models import Intention, Person, PersonSource, PersonStatus

blp = Blueprint("persons_api", __name__, url_prefix="/api/v1/persons", description="人员信息库（三有人员）")

VIEWERS = REGION_ROLES | ASSIGNMENT_ROLES


def _enum_field(enum_cls, description: str, **kwargs) -> fields.String:
    return fields.String(metadata={"enum": [m.value for m in enum_cls], "description": description}, **kwargs)


def _schema_field(spec: PersonField, required: bool = False) -> fields.Field:
    """The API field of a declared person field (type, null allowed, description)."""
    about = spec.label + (f"：{spec.help}" if spec.help else "")
    if spec.kind == person_fields.ENUM:
        about = spec.label + "：" + " / ".join(f"{m.value} {m.label}" for m in spec.enum)
    if required:
        return (_enum_field(spec.enum, about, required=True) if spec.kind == person_fields.ENUM
                else fields.String(required=True, metadata={"description": about}))
    if spec.kind == person_fields.ENUM:
        return _enum_field(spec.enum, about, allow_none=not spec.required_on_create and spec.default is None)
    if spec.kind == person_fields.CODE:
        return fields.String(allow_none=True, metadata={"description": f"{spec.label}代码（代码表 {spec.code_list.value}）"})
    if spec.kind == person_fields.ASSESSMENT:
        return fields.Boolean(allow_none=True, metadata={"description": f"{spec.label}；null = 未评估"})
    if spec.kind == person_fields.DATE:
        return fields.Date(allow_none=True, metadata={"description": about})
    if spec.kind == person_fields.SKILLS:
        return fields.List(fields.String(), metadata={"description": about})
    if spec.kind == person_fields.AMOUNT:
        return fields.Integer(allow_none=True, metadata={"description": about})
    if spec.kind == person_fields.PHONE:
        return fields.String(allow_none=True, metadata={"description": f"{about}；null 表示删除"})
    nullable = spec.kind == person_fields.TEXT
    return fields.String(allow_none=nullable, metadata={"description": about})


# The editable person fields, made from the declaration table (app/persons/fields.py).
PersonFieldsSchema = Schema.from_dict({name: _schema_field(person_fields.FIELD[name])
                                       for name in person_fields.EDITABLE_FIELDS}, name="PersonFieldsSchema")


# Registering: every declared field, the required ones required.
PersonCreateSchema = Schema.from_dict({spec.name: _schema_field(spec, required=spec.required_on_create)
                                       for spec in person_fields.FIELDS}, name="PersonCreateSchema")


class PersonPatchSchema(PersonFieldsSchema):
    version = version_field()
    id_number = fields.String(metadata={"description": "不可修改：由县级服务中心在页面上更正"})


class PersonSchema(PersonFieldsSchema):
    id = fields.Integer()
    id_number = fields.String(metadata={"description": "脱敏，如 420506********1234"})
    phone = fields.String(allow_none=True, metadata={"description": "脱敏，如 138****5678"})
    village_name = fields.String()
    gender = fields.String(metadata={"enum": ["male", "female"]})
    birth_date = fields.Date()
    is_sanyou = fields.Boolean()
    version = fields.Integer()
    archived_at = fields.DateTime(allow_none=True)
    merged_into = fields.Integer(allow_none=True)
    updated_at = fields.DateTime()


class WarningSchema(Schema):
    code = fields.String(metadata={"enum": ["same_name_birth_date", "same_phone"]})
    message = fields.String()
    person_ids = fields.List(fields.Integer(), metadata={"description": "调用者可见的疑似重复记录"})
    hidden_count = fields.Integer(metadata={"description": "不在调用者管辖范围内的疑似重复记录数"})


class PersonSavedSchema(PersonSchema):
    warnings = fields.List(fields.Nested(WarningSchema))


class PersonListArgs(Schema):
    village = fields.String(metadata={"description": "村（社区）代码"})
    township = fields.String(metadata={"description": "乡镇（街道）代码"})
    county = fields.String(metadata={"description": "县（市、区）代码"})
    status = _enum_field(PersonStatus, "状态")
    sanyou = fields.Boolean(metadata={"description": "true 仅三有人员 / false 非三有人员"})
    industry = fields.String(metadata={"description": "行业代码（意向行业或务工行业）"})
    intention = _enum_field(Intention, "创业意向")
    source = _enum_field(PersonSource, "数据来源")
    return_year = fields.Integer(metadata={"description": "返乡年份"})
    archived = fields.String(load_default="active", validate=validate.OneOf(queries.ARCHIVED_CHOICES),
                             metadata={"description": "active 在库（默认）/ archived 已归档 / all"})
    q = fields.String(metadata={"description": "姓名（任意连续汉字）、拼音或首字母，如 zw"})
    sort = fields.String(load_default=queries.DEFAULT_SORT, validate=validate.OneOf(list(queries.SORTS)),
                         metadata={"description": "name 姓名拼音 / returned 返乡日期（近到远）/ updated 最近更新"})
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))
    cursor = fields.String(metadata={"description": "上一页返回的 next_cursor"})


class PersonPageSchema(Schema):
    items = fields.List(fields.Nested(PersonSchema))
    next_cursor = fields.String(allow_none=True)


class PersonSearchSchema(Schema):
    id_number = fields.String(metadata={"description": "完整身份证号码"})
    phone = fields.String(metadata={"description": "完整电话号码"})


class PersonSearchResultSchema(Schema):
    items = fields.List(fields.Nested(PersonSchema))


def person_json(person: Person) -> dict:
    """The API form of a person: ID number and phone masked, codes for every coded field."""
    return {
        "id": person.id,
        "id_number": person.id_number_masked,
        "name": person.name,
        "phone": person.phone_masked,
        "village_code": person.village.code,
        "village_name": person.village.full_name,
        "source": person.source.value,
        "status": person.status.value,
        "work_region": person.work_region,
        "work_city": person.work_city,
        "work_industry": person.work_industry,
        "occupation": person.occupation,
        "outside_since": person.outside_since,
        "returned_on": person.returned_on,
        "skills": list(person.skills or []),
        "intention": person.intention.value,
        "intended_industry": person.intended_industry,
        "intended_form": person.intended_form.value if person.intended_form else None,
        "capital_need": person.capital_need,
        "willing": person.willing,
        "capable": person.capable,
        "creditworthy": person.creditworthy,
        "willing_basis": person.willing_basis,
        "capable_basis": person.capable_basis,
        "creditworthy_basis": person.creditworthy_basis,
        "remarks": person.remarks,
        "gender": person.gender.value,
        "birth_date": person.birth_date,
        "is_sanyou": person.is_sanyou,
        "version": person.version,
        "archived_at": person.archived_at,
        "merged_into": person.merged_into_id,
        "updated_at": person.updated_at,
    }


def _saved_json(result: ops.SaveResult) -> dict:
    body = person_json(result.person)
    body["warnings"] = [{"code": w.code, "message": w.message, "person_ids": [p.id for p in w.persons],
                         "hidden_count": w.hidden} for w in result.warnings]
    return body


def _load(person_id: int) -> Person:
    return access.load_person(current_user, person_id)


@blp.route("")
class Persons(MethodView):
    @rule(VIEWERS)
    @blp.arguments(PersonListArgs, location="query")
    @blp.response(200, PersonPageSchema)
    @blp.alt_response(422, schema=ErrorEnvelope, description="参数有误（fields 指明参数）")
    def get(self, args):
        """人员列表：筛选、姓名/拼音查询、游标分页（不使用页码）"""
        filters, errors = queries.parse_filters(args)
        if errors:
            raise FieldErrors(fields=errors)
        page = queries.list_page(current_user, filters, args["sort"], args.get("cursor"), args["limit"])
        return {"items": [person_json(p) for p in page.items], "next_cursor": page.next_cursor}

    @rule(REGION_ROLES)
    @blp.arguments(PersonCreateSchema)
    @blp.response(201, PersonSavedSchema)
    @blp.alt_response(409, schema=ErrorEnvelope, description="身份证号码已在库中登记（不透露其他记录的任何信息）")
    @blp.alt_response(422, schema=ErrorEnvelope, description="字段有误（fields 指明字段）")
    def post(self, data):
        """登记人员。疑似重复（同名同出生日期、同电话）不阻止保存，在 warnings 中返回。"""
        result = ops.create_person(current_user, data, allow_near_duplicates=True)
        db.session.commit()
        return _saved_json(result)


@blp.route("/<int:person_id>")
class PersonItem(MethodView):
    @rule(VIEWERS, sample="person")
    @blp.response(200, PersonSchema)
    @blp.alt_response(404, schema=ErrorEnvelope, description="不存在或不在管辖范围内")
    def get(self, person_id: int):
        """人员详情（身份证号码和电话为脱敏形式）"""
        return person_json(_load(person_id))

    @rule(REGION_ROLES, sample="person")
    @blp.arguments(PersonPatchSchema)
    @blp.response(200, PersonSavedSchema)
    @blp.alt_response(409, schema=ErrorEnvelope, description="version 已过期（stale）")
    @blp.alt_response(422, schema=ErrorEnvelope, description="字段有误（fields 指明字段）")
    def patch(self, data, person_id: int):
        """修改人员信息：只改请求中出现的字段；须带读取时的 version"""
        person = _load(person_id)
        version = data.pop("version")
        result = ops.update_person(current_user, person, data, expected_version=version,
                                   allow_near_duplicates=True)
        db.session.commit()
        return _saved_json(result)


@blp.route("/search")
class PersonSearch(MethodView):
    @rule(REGION_ROLES)
    @blp.arguments(PersonSearchSchema)
    @blp.response(200, PersonSearchResultSchema)
    @blp.alt_response(422, schema=ErrorEnvelope, description="号码格式有误")
    def post(self, data):
        """按完整身份证号码或电话精确查找（号码放在请求体中，不进入网址和日志）"""
        found = ops.lookup(current_user, id_number=data.get("id_number"), phone=data.get("phone"))
        db.session.commit()
        return {"items": [person_json(p) for p in found]}

