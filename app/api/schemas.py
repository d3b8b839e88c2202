"""Schemas shared by API resources."""
from marshmallow import Schema, fields


class ErrorSchema(Schema):
    code = fields.String()
    message = fields.String()
    fields = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


class ErrorEnvelope(Schema):
    error = fields.Nested(ErrorSchema)
