"""Import batches: preview (check and record, keep the file and the prepared outcome), commit
(write in the caller's transaction), failure, and the batches a user may see."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import select, update

from app.core import audit, clock
from app.core.access import person_scale as access
from app.core.errors import Conflict, Forbidden
from app.extensions import db
from app.persons import write
from app.persons.imports import check
from app.persons.imports.check import (
    CheckResult,
    no_cyclic_gc,
)
from app.persons.imports.prepared import commit_prepared, load_prepared, prepare_file, save_prepared
from app.persons.imports.read import (
    file_kind,
    open_source,
)
from app.persons.imports.storage import (
    safe_file_name,
    save_upload,
    stored_path,
)
from app.persons.models import (
    ImportStatus,
    PersonImport,
    PersonImportItem,
)


def _fill(batch: PersonImport, result: CheckResult) -> None:
    batch.columns = result.columns
    batch.rows_total = result.total
    batch.rows_new = result.new
    batch.rows_updated = result.updated
    batch.rows_unchanged = result.unchanged
    batch.rows_refused = result.refused
    batch.errors = [e.as_list() for e in result.errors]


def preview_import(actor, stream, file_name: str | None) -> PersonImport:
    """Check an uploaded file and record a previewed batch (the file is kept until commit)."""
    if not access.can_import_persons(actor):
        raise Forbidden("您的角色不能导入人员。")
    name = safe_file_name(file_name)
    file_kind(name)  # refuses a wrong extension before saving anything
    path, digest = save_upload(stream, name)
    try:
        source = open_source(path, name)
        prepared = prepare_file(actor, source)
    except Exception:
        path.unlink(missing_ok=True)
        raise
    result = prepared.result
    batch = PersonImport(user_id=actor.id, username=actor.username, region_id=access.import_home(actor).id,
                         file_name=name, file_hash=digest, file_format=source.label,
                         status=ImportStatus.PREVIEWED)
    _fill(batch, result)
    db.session.add(batch)
    db.session.flush()
    path.rename(stored_path(batch))
    try:
        save_prepared(batch, prepared)
    except Exception:  # noqa: BLE001 - only a shortcut: without it the commit checks the file again
        current_app.logger.warning("import batch %s: prepared outcome not saved", batch.id, exc_info=True)
    audit.record("person_import_preview", batch, actor=actor,
                 detail=f"预览导入 {name}：共 {result.total} 行，新增 {result.new}，更新 {result.updated}，"
                        f"无变化 {result.unchanged}，拒绝 {result.refused}")
    db.session.flush()
    return batch


def commit_import(actor, batch: PersonImport) -> PersonImport:
    """Write a previewed batch in the caller's transaction: the preview's prepared outcome when
    the library is unchanged since, else the file checked again (the full path). Raises on any
    write error; the caller rolls back (nothing half-applied)."""
    if not access.can_commit_import(actor, batch):
        raise Forbidden("只有上传该文件的用户可以确认导入。")
    if batch.status != ImportStatus.PREVIEWED:
        raise Conflict("该批次已经处理，不能再次导入。")
    path = stored_path(batch)
    if not path.exists():
        raise Conflict("上传的文件已不存在，请重新上传。")
    # Claim the batch first: on SQLite this takes the write lock, so ids assigned below are ours;
    # a second commit of the same batch finds the status changed and gets 409.
    claimed = db.session.execute(
        update(PersonImport.__table__)
        .where(PersonImport.__table__.c.id == batch.id, PersonImport.__table__.c.status == ImportStatus.PREVIEWED.value)
        .values(status=ImportStatus.COMMITTED.value, committed_at=clock.now()))
    if claimed.rowcount != 1:
        raise Conflict("该批次已经处理，不能再次导入。")
    with no_cyclic_gc():
        prepared = load_prepared(batch)
        result = commit_prepared(actor, prepared) if prepared is not None else None
        if result is None:  # no usable prepared outcome, or the library changed: check everything again
            source = open_source(path, batch.file_name)
            result = check.check_file(actor, source, apply=True)  # (module attribute: tests count calls)
        del prepared  # the written rows: free them before the next allocations
        batch_id = batch.id
        items = [{"batch_id": batch_id, "person_id": pid, "change": change} for pid, change in result.person_ids]
        write.insert_rows(PersonImportItem.__table__, items)
    db.session.refresh(batch)
    _fill(batch, result)
    audit.record("person_import", batch, actor=actor,
                 changes={"new": result.new, "updated": result.updated, "unchanged": result.unchanged,
                          "refused": result.refused},
                 detail=f"导入 {batch.file_name}（批次 #{batch.id}，SHA-256 {batch.file_hash[:12]}…）："
                        f"新增 {result.new}，更新 {result.updated}，无变化 {result.unchanged}，拒绝 {result.refused}")
    db.session.flush()
    return batch



def mark_failed(batch_id: int, actor, message: str) -> None:
    """After a rolled-back commit: record the failure on the batch (own transaction)."""
    db.session.execute(update(PersonImport.__table__).where(PersonImport.__table__.c.id == batch_id)
                       .values(status=ImportStatus.FAILED.value))
    audit.record("person_import", actor=actor, object_type="person_import", object_id=batch_id,
                 result=audit.RESULT_FAILED, detail=message[:500])
    db.session.flush()


def visible_batches(actor, limit: int = 50) -> list[PersonImport]:
    stmt = select(PersonImport).where(access.imports_condition(actor)).order_by(PersonImport.id.desc()).limit(limit)
    return list(db.session.scalars(stmt))

