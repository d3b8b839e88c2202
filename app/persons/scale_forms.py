"""Forms of the import, the unmasked export and the baselines (shape and CSRF only)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from app.core.form_fields import DateField


class ImportForm(FlaskForm):
    file = FileField("人员名单文件（.xlsx 或 .csv）",
                     description="请使用导入模板；CSV 可为 UTF-8 或 GBK 编码，系统自动识别。")


class ExportReasonForm(FlaskForm):
    reason = TextAreaField("导出原因", validators=[Length(max=400)],
                           description="将记录在审计日志中，并印在文件上。")


class BaselineForm(FlaskForm):
    county = HiddenField()
    year = HiddenField()
    version = HiddenField()
    value = StringField("市外务工人数", validators=[Length(max=20)])
    source = StringField("数据来源", validators=[Length(max=400)], description="如：县统计局 2025 年末外出务工人员统计")
    source_date = DateField("数据日期")


class ComputeForm(FlaskForm):
    year = IntegerField("目标年度", validators=[Optional()])
