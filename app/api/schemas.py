"""Schemas shared by API resources."""
from marshmallow import Schema, fields, validate

from app.core.errors import VERSION_MISSING


class ErrorDetailSchema(Schema):
    # Not "ErrorSchema": flask-smorest registers its own component named "Error".
    code = fields.String()
    message = fields.String()
    fields = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


class ErrorEnvelope(Schema):
    error = fields.Nested(ErrorDetailSchema)


def version_field() -> fields.Integer:
    """The `version` a client read, required on every write of a versioned record: missing
    answers 422 (field `version`), another version than the stored one 409."""
    return fields.Integer(
        required=True, validate=validate.Range(min=0, error="版本号（version）应为读取时的非负整数。"),
        error_messages={"required": VERSION_MISSING, "null": VERSION_MISSING,
                        "invalid": "版本号（version）应为整数。"},
        metadata={"description": "读取该记录时得到的 version（必填）：缺少为 422，记录已被他人修改为 409"})
