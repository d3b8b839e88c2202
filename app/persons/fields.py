"""The person fields, declared once: name, Chinese label, kind (the parser `operations.clean`
applies), limit, help, enum or code list, and whether a new record needs it.

Made from this table: the person form (`forms.PersonForm`: labels, lengths, help lines), the
API schema (`api.PersonFieldsSchema`: types and descriptions), the import's columns and header
labels (`imports.read`), the import template's notes (`imports.templates`), the validation
messages and limits (`operations.clean`) and the field labels of the person page
(`labels.FIELD_LABELS`). A new field is one row here (plus its model column and migration).
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from app.codes.models import CodeList
from app.persons.models import BusinessForm, Intention, PersonSource, PersonStatus

# Kinds, each with its parser in `operations.clean`.
ID_NUMBER, NAME, PHONE, VILLAGE, ENUM, CODE, DATE, SKILLS, AMOUNT, ASSESSMENT, TEXT = (
    "id_number", "name", "phone", "village", "enum", "code", "date", "skills", "amount", "assessment", "text")

MAX_SKILLS = 20
MAX_SKILL_LENGTH = 20
MAX_CAPITAL_NEED = 1_000_000_000
BASIS_HELP = "评估为是或否时必填，200 字以内。"


@dataclass(frozen=True)
class PersonField:
    name: str  # the API's and the form's field name
    label: str  # Chinese label (form, page, messages, import header)
    kind: str
    limit: int | None = None  # the most characters the field takes
    help: str = ""  # one line for the form, the API schema and the import template
    enum: type[Enum] | None = None
    code_list: CodeList | None = None
    required_on_create: bool = False
    default: Any = None  # the value a blank enum takes
    import_label: str | None = None  # the import template's column header, when it differs

    @property
    def header(self) -> str:
        return self.import_label or self.label


FIELDS: tuple[PersonField, ...] = (
    PersonField("id_number", "身份证号码", ID_NUMBER, limit=40, required_on_create=True,
                help="18 位居民身份证号码（15 位旧号码自动转换），性别和出生日期由号码得出。"),
    PersonField("name", "姓名", NAME, limit=64, required_on_create=True, help="汉字姓名，少数民族姓名用间隔号“·”。"),
    PersonField("phone", "联系电话", PHONE, limit=30, help="手机号（11 位）或带区号的固定电话，如 0717-6543210。"),
    PersonField("village_code", "户籍所在村（社区）", VILLAGE, limit=12, required_on_create=True,
                import_label="户籍村（社区）代码", help="12 位村（社区）区划代码。"),
    PersonField("source", "数据来源", ENUM, enum=PersonSource, required_on_create=True),
    PersonField("status", "人员状态", ENUM, enum=PersonStatus, required_on_create=True),
    PersonField("work_region", "务工地区", CODE, code_list=CodeList.WORK_REGION),
    PersonField("work_city", "务工城市", TEXT, limit=64),
    PersonField("work_industry", "务工行业", CODE, code_list=CodeList.INDUSTRY),
    PersonField("occupation", "从事工种 / 职业", TEXT, limit=64),
    PersonField("outside_since", "外出务工起始日期", DATE, help="日期，如 2023-03-01。"),
    PersonField("returned_on", "返乡日期", DATE, help="日期，如 2025-01-20；不能早于外出务工起始日期。"),
    PersonField("skills", "技能特长", SKILLS, limit=500,
                help=f"多项用顿号“、”或逗号分隔，最多 {MAX_SKILLS} 项，如：电工、厨师。"),
    PersonField("intention", "创业意向", ENUM, enum=Intention, default=Intention.NONE),
    PersonField("intended_industry", "意向行业", CODE, code_list=CodeList.INDUSTRY),
    PersonField("intended_form", "意向创业形式", ENUM, enum=BusinessForm),
    PersonField("capital_need", "资金需求（元）", AMOUNT, help="整数，单位元。"),
    PersonField("willing", "有愿望", ASSESSMENT),
    PersonField("capable", "有能力", ASSESSMENT),
    PersonField("creditworthy", "有信誉", ASSESSMENT),
    PersonField("willing_basis", "有愿望的依据", TEXT, limit=200, help=BASIS_HELP),
    PersonField("capable_basis", "有能力的依据", TEXT, limit=200, help=BASIS_HELP),
    PersonField("creditworthy_basis", "有信誉的依据", TEXT, limit=200, help=BASIS_HELP),
    PersonField("remarks", "备注", TEXT, limit=1000),
)
FIELD = {f.name: f for f in FIELDS}

# Fields a person's form or API body may carry (besides id_number, fixed after registration).
EDITABLE_FIELDS = tuple(f.name for f in FIELDS if f.kind != ID_NUMBER)
REQUIRED_ON_CREATE = tuple(f.name for f in FIELDS if f.required_on_create and f.kind != ID_NUMBER)
ASSESSMENT_FIELDS = tuple(f.name for f in FIELDS if f.kind == ASSESSMENT)
