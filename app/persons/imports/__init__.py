"""Import of people from XLSX or CSV (issue 4 §1): template, preview, commit — one module per job.

- `read` — the template's columns and header labels; the file read streaming (python-calamine
  for XLSX; CSV decoded as UTF-8 with or without BOM, else GB18030 — a superset of GBK —
  detected, never asked); each cell as `operations.clean` takes it.
- `check` — every row validated with the person library's own validators (`operations.clean`
  with preloaded `Lookups`, `validators.parse_id_number`): the counts and every refused row (row
  number, column, Chinese reason); `check_file(actor, source, apply=True)` also writes.
- `parallel` — a file of more than `PARALLEL_FROM` rows has its further chunks checked and
  derived in worker processes (fork, `PERSON_IMPORT_WORKERS`); the workers get plain data and
  never touch the database; a worker that fails, dies or hangs hands its chunk back.
- `prepared` (+ `packing`) — the **prepared outcome** of a preview (`prepare_file`: the same
  check, plus the new people's rows derived by `write.new_person_row` and each update's changed
  values with the version seen), kept next to the upload behind an HMAC bound to the batch and
  its file; the commit uses it only while the reference data's fingerprint and the matched
  people (and their versions) are unchanged.
- `storage` — where the upload and the prepared outcome live.
- `batches` — `preview_import` records a batch (`PersonImport`, previewed); `commit_import`
  writes in the caller's transaction (the prepared outcome, else the file checked again — the
  result is the same), one audit row per batch, `person_import_items` for every person written.
- `templates` — the XLSX template and a batch's error report.
"""
from app.persons.imports.batches import commit_import, mark_failed, preview_import, visible_batches
from app.persons.imports.check import CheckResult, RowError, check_file
from app.persons.imports.prepared import load_prepared, prepare_file, save_prepared
from app.persons.imports.read import HEADER_LABELS, IMPORT_FIELDS, ImportFileError, SourceFile, map_header, open_source
from app.persons.imports.storage import discard_file, prepared_path, stored_path
from app.persons.imports.templates import error_report_xlsx, template_xlsx

__all__ = [
    "HEADER_LABELS", "IMPORT_FIELDS", "CheckResult", "ImportFileError", "RowError", "SourceFile", "check_file",
    "commit_import", "discard_file", "error_report_xlsx", "load_prepared", "map_header", "mark_failed",
    "open_source", "prepare_file", "prepared_path", "preview_import", "save_prepared", "stored_path",
    "template_xlsx", "visible_batches",
]
