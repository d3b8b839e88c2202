"""Schemas shared by API resources."""
from marshmallow import Schema, fields


class ErrorDetailSchema(Schema):
    # Not "ErrorSchema": flask-smorest registers its own component named "Error".
    code = fields.String()
    message = fields.String()
    fields = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


class ErrorEnvelope(Schema):
    error = fields.Nested(ErrorDetailSchema)
