"""Read what the case pages and the home page claim (stdlib HTML parser, no browser).

- `rows`: the case rows of a list page (`a.case-row[data-case-id]`) with the due dates they show
  (`[data-clock][data-due-on]`) and the overdue badges (`[data-overdue]`), from cases/_dues.html;
- `dues`: the same for every due date anywhere on the page (the case page);
- `panels`: the home page's panels: title, count and items (href, label, badge text);
- `links`: every `<a href>` of the page.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser


@dataclass
class Row:
    case_id: int
    dues: dict[str, date] = field(default_factory=dict)
    overdue: set[str] = field(default_factory=set)
    text: str = ""


@dataclass
class PanelItem:
    href: str
    label: str = ""
    badge: str = ""


@dataclass
class Panel:
    title: str = ""
    count: str = ""
    items: list[PanelItem] = field(default_factory=list)


class Page(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.rows: list[Row] = []
        self.dues: list[tuple[str, date]] = []
        self.overdue: list[tuple[str, str]] = []  # (clock, badge text)
        self.panels: list[Panel] = []
        self.links: list[str] = []
        self._row: Row | None = None
        self._capture: tuple[str, object] | None = None  # (what, target)
        self._buffer = ""
        self._panel: Panel | None = None
        self._depth = 0
        self.feed(html)
        self.close()

    # -- parsing
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "a" and "case-row" in classes:
            self._row = Row(int(a["data-case-id"]))
            self.rows.append(self._row)
        if "data-clock" in a and "data-due-on" in a:
            day = date.fromisoformat(a["data-due-on"])
            self.dues.append((a["data-clock"], day))
            if self._row is not None:
                assert a["data-clock"] not in self._row.dues, "a clock shown twice on one row"
                self._row.dues[a["data-clock"]] = day
        if "data-overdue" in a:
            self._start("overdue", a["data-overdue"])
        if tag == "section" and (a.get("aria-labelledby") or "").startswith("panel-"):
            self._panel = Panel()
            self.panels.append(self._panel)
        if self._panel is not None:
            if tag == "h2":
                self._start("panel_title", self._panel)
            elif tag == "span" and "badge" in classes and not self._panel.items and not self._panel.count:
                self._start("panel_count", self._panel)
            elif tag == "a" and "list-group-item" not in classes and self._in_item():
                self._panel.items.append(PanelItem(a["href"]))
                self._start("item_label", self._panel.items[-1])
            elif tag == "span" and "badge" in classes and self._panel.items:
                self._start("item_badge", self._panel.items[-1])
            if tag == "li":
                self._depth += 1
        elif tag == "a" and "list-group-item" in classes:
            pass

    def _in_item(self) -> bool:
        return self._depth > 0

    def handle_endtag(self, tag):
        if self._capture is not None and tag in ("span", "h2", "a"):
            self._finish()
        if tag == "a" and self._row is not None:
            self._row = None
        if tag == "li" and self._panel is not None:
            self._depth -= 1
        if tag == "section":
            self._panel = None

    def handle_data(self, data):
        if self._capture is not None:
            self._buffer += data
        if self._row is not None:
            self._row.text += data

    def _start(self, what: str, target: object) -> None:
        self._capture, self._buffer = (what, target), ""

    def _finish(self) -> None:
        what, target = self._capture
        text = " ".join(self._buffer.split())
        if what == "overdue":
            self.overdue.append((target, text))
            if self._row is not None:
                self._row.overdue.add(target)
        elif what == "panel_title":
            target.title = text
        elif what == "panel_count":
            target.count = text
        elif what == "item_label":
            target.label = text
        elif what == "item_badge":
            target.badge = text
        self._capture = None


CASE_HREF = re.compile(r"^/cases/(\d+)(?:#.*)?$")


def case_id_of(href: str) -> int | None:
    found = CASE_HREF.match(href)
    return int(found.group(1)) if found else None
