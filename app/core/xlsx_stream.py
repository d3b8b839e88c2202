"""A minimal streaming XLSX writer for large exports (one sheet, inline strings).

XlsxWriter costs tens of microseconds per cell (type dispatch, escaping, dimension checks): a
100,000 × 26 export spent most of its time there. This writer emits each row as one string of
SpreadsheetML into a zip member opened for streaming, so memory stays flat and a row costs one
`join`. It supports what the exports need: title rows, a header style, column widths, frozen
panes, a page header/footer (watermark) and document properties. Strings are inline (`t="inlineStr"`),
numbers plain; every row carries all columns (an empty cell is `<c/>`).
"""
from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Sequence
from typing import IO, Any

from app.core import clock

STYLE_NORMAL, STYLE_TITLE, STYLE_HEADER = 0, 1, 2

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})
_NEEDS_ESCAPE = re.compile('[&<>"]').search  # most cells have nothing to escape

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>\
</Types>"""
ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>\
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>\
</Relationships>"""
WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>\
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>\
</Relationships>"""
STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
<fonts count="3"><font><sz val="11"/><name val="等线"/></font><font><b/><sz val="14"/><name val="等线"/></font>\
<font><b/><sz val="11"/><name val="等线"/></font></fonts>\
<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>\
<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/></patternFill></fill></fills>\
<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>\
<border><left style="thin"/><right style="thin"/><top style="thin"/><bottom style="thin"/><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
<xf numFmtId="0" fontId="2" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1"/></cellXfs>\
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
</styleSheet>"""


def escape(text: str) -> str:
    return text.translate(_ESCAPES)


class StreamingXlsx:
    """`with StreamingXlsx(handle, sheet_name, widths, …) as book: book.row([...]) …`"""

    def __init__(self, handle: IO[bytes], sheet_name: str, widths: Sequence[float], *, freeze_rows: int = 0,
                 header: str | None = None, footer: str | None = None, title: str = "", author: str = "",
                 comments: str = ""):
        self._zip = zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)
        self._sheet_name = sheet_name
        self._props = (title, author, comments)
        self._footer_xml = ""
        if header or footer:
            parts = (f"<oddHeader>{escape(header)}</oddHeader>" if header else "") + \
                    (f"<oddFooter>{escape(footer)}</oddFooter>" if footer else "")
            self._footer_xml = f"<headerFooter>{parts}</headerFooter>"
        self._sheet = self._zip.open("xl/worksheets/sheet1.xml", "w", force_zip64=True)
        self._buffer: list[str] = []
        self._row = 0
        pane = ""
        if freeze_rows:
            cell = f"A{freeze_rows + 1}"
            pane = (f'<pane ySplit="{freeze_rows}" topLeftCell="{cell}" activePane="bottomLeft" state="frozen"/>'
                    f'<selection pane="bottomLeft" activeCell="{cell}" sqref="{cell}"/>')
        cols = "".join(f'<col min="{i + 1}" max="{i + 1}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths))
        self._write('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                    f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>'
                    f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>')

    def _write(self, text: str) -> None:
        self._buffer.append(text)
        if len(self._buffer) >= 500:
            self._flush()

    def _flush(self) -> None:
        if self._buffer:
            self._sheet.write("".join(self._buffer).encode("utf-8"))
            self._buffer = []

    def row(self, values: Iterable[Any], style: int = STYLE_NORMAL) -> None:
        """One row; strings inline, ints and floats as numbers, None or "" as an empty cell."""
        self._row += 1
        s = f' s="{style}"' if style else ""
        empty, text_open, number_open = f"<c{s}/>", f'<c{s} t="inlineStr"><is><t>', f"<c{s}><v>"
        needs_escape = _NEEDS_ESCAPE
        cells = [f'<row r="{self._row}">']
        for value in values:
            if value is None or value == "":
                cells.append(empty)
            elif isinstance(value, str):
                cells.append(text_open + (value.translate(_ESCAPES) if needs_escape(value) else value)
                             + "</t></is></c>")
            elif isinstance(value, bool):
                cells.append(text_open + ("是" if value else "否") + "</t></is></c>")
            else:
                cells.append(f"{number_open}{value}</v></c>")
        cells.append("</row>")
        self._write("".join(cells))

    def close(self) -> None:
        self._write(f"</sheetData>{self._footer_xml}</worksheet>")
        self._flush()
        self._sheet.close()
        title, author, comments = self._props
        created = clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")
        self._zip.writestr("[Content_Types].xml", CONTENT_TYPES)
        self._zip.writestr("_rels/.rels", ROOT_RELS)
        self._zip.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        self._zip.writestr("xl/styles.xml", STYLES)
        self._zip.writestr("xl/workbook.xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<sheets><sheet name="{escape(self._sheet_name)}" sheetId="1" r:id="rId1"/></sheets></workbook>'))
        self._zip.writestr("docProps/core.xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f'<dc:title>{escape(title)}</dc:title><dc:creator>{escape(author)}</dc:creator>'
            f'<dc:description>{escape(comments)}</dc:description>'
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{created}</dcterms:created></cp:coreProperties>'))
        self._zip.close()

    def __enter__(self) -> StreamingXlsx:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
