"""Pages of the person library: list and search, register, the person page (with the audited full
ID view), edit, and the county officers' merge / move / correct-ID actions."""
from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, current_app, jsonify, render_template, request, url_for
from flask_login import current_user

from app.codes import operations as codes
from app.codes.models import CodeList
from app.core import audit, confirm, records
from app.core.access import ASSIGNMENT_ROLES, COUNTY_AND_ABOVE, REGION_ROLES, TOWNSHIP_AND_ABOVE, rule
from app.core.access import persons as access
from app.core.access.scope import deny
from app.core.errors import Conflict, FieldErrors, Forbidden, NotFound
from app.core.forms import KeepPage, int_or_none, kept_context, submit_action, submit_form
from app.core.validators import clean_id_input, has_unsafe_chars
from app.extensions import db
from app.persons import labels, pickers, queries, questions, sections
from app.persons import operations as ops
from app.persons.forms import CorrectIdForm, FilterForm, LookupForm, MergeForm, MoveForm, PersonForm, ReasonForm
from app.persons.models import Person
from app.regions.models import RegionLevel
from app.regions.operations import by_code

bp = Blueprint("persons", __name__, url_prefix="/persons")



VIEWERS = REGION_ROLES | ASSIGNMENT_ROLES


FILTER_PARAMS = ("status", "sanyou", "intention", "industry", "region", "return_year", "source")
COMMITTEE_SUFFIXES = ("村民委员会", "居民委员会", "村委会", "居委会")


@bp.app_template_filter("place")
def place(village) -> str:
    """`分乡镇 大中坝村` for lists: township and the village without its committee suffix."""
    name = village.name
    for suffix in COMMITTEE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
            if suffix.startswith("村") and not name.endswith("村"):
                name += "村"
            break
    township = village.township.name if village.township is not None else ""
    return f"{township} {name}".strip()




def _load(person_id: int) -> Person:
    return access.load_person(current_user, person_id)


def _permissions(person: Person) -> dict[str, bool]:
    user = current_user
    return {
        "edit": access.can_edit_person(user, person),
        "reveal": access.can_reveal_id(user, person),
        "archive": access.can_archive_person(user, person),
        "merge": access.can_merge_persons(user, person) and not person.is_archived,
        "move": access.can_move_person(user, person) and not person.is_archived,
        "correct": access.can_correct_id(user, person) and not person.is_archived,
    }


def _code_labels() -> dict[str, dict[str, str]]:
    return {"industry": codes.labels(CodeList.INDUSTRY), "work_region": codes.labels(CodeList.WORK_REGION)}


# ---------------------------------------------------------------------------------------------
# List and search


@bp.route("/")
@rule(VIEWERS)
def index():
    form = FilterForm(request.args)
    form.load_code_choices()
    filters, errors = queries.parse_filters(request.args)
    sort = request.args.get("sort") if request.args.get("sort") in queries.SORTS else queries.DEFAULT_SORT
    page, total = None, 0
    if errors:
        for name, messages in errors.items():
            field = getattr(form, name, None)
            if field is not None:
                field.errors = list(messages)
            else:
                form.form_errors.extend(messages)
    else:
        try:
            page = queries.list_page(current_user, filters, sort, request.args.get("cursor") or None,
                                     current_app.config["PAGE_SIZE"], table_only=True)
            total = queries.count_capped(current_user, filters)
        except FieldErrors as error:  # a bad cursor: start again
            form.form_errors.extend(m for ms in error.fields.values() for m in ms)
    region = filters.regions[0] if filters.regions else None
    home = current_user.region
    filtering = any(request.args.get(name) for name in FILTER_PARAMS) or \
        request.args.get("archived", "active") != "active"
    return render_template("persons/list.html", form=form, page=page, total=total, cap=queries.COUNT_CAP,
                           sort=sort, region=region, lookup_form=LookupForm(), labels=labels, filtering=filtering,
                           show_region=home is not None and home.level != RegionLevel.VILLAGE,
                           code_labels=_code_labels(), can_create=access.can_create_person(current_user)), \
        422 if errors else 200


@bp.route("/search", methods=["POST"])
@rule(REGION_ROLES)
def search():
    """Exact lookup by a full ID number or phone, sent in the body (never in a URL)."""
    form = LookupForm()
    results = None
    status = 200
    if form.validate_on_submit():
        value = form.value.data or ""
        cleaned = clean_id_input(value)
        looks_like_id = len(cleaned) >= 15  # no phone spelling is that long (+86… has 14)
        try:
            if looks_like_id:
                results = ops.lookup(current_user, id_number=value)
            else:
                results = ops.lookup(current_user, phone=value)
        except FieldErrors as error:
            form.value.errors = [m for ms in error.fields.values() for m in ms]
            status = 422
        else:
            db.session.commit()
    else:
        status = 422
    form.value.data = ""  # never echo the full number back into the page
    return render_template("persons/search.html", form=form, results=results, labels=labels), status


# ---------------------------------------------------------------------------------------------
# Register and edit


def _values(form: PersonForm, *, creating: bool) -> dict:
    names = [n for n in ops.EDITABLE_FIELDS if n != "village_code" or creating]
    values = {name: getattr(form, name).data for name in names}
    if creating:
        values["id_number"] = form.id_number.data
    elif form.clear_phone.data:
        values["phone"] = None
    elif not (form.phone.data or "").strip():
        values.pop("phone")  # blank: keep the registered phone
    return values


def _render_form(form: PersonForm, person: Person | None):
    return render_template("persons/form.html", form=form, person=person, warnings=_kept_warnings(), labels=labels)


def _save(save: Callable[[], object]) -> object:
    """Run a person save; near-duplicate records to confirm keep the form for the page to list them."""
    try:
        return save()
    except ops.NearDuplicatesFound as found:
        raise KeepPage({"near_duplicates": [{"message": w.message, "person_ids": [p.id for p in w.persons],
                                             "hidden": w.hidden} for w in found.warnings]}) from None


def _kept_warnings() -> list[ops.NearDuplicate]:
    """The near-duplicate warnings of the POST this page shows again (records re-checked for scope)."""
    context = kept_context() or {}
    out = []
    for item in context.get("near_duplicates", []):
        persons = [p for p in (db.session.get(Person, pid) for pid in item["person_ids"])
                   if p is not None and access.can_view_person(current_user, p)]
        out.append(ops.NearDuplicate(code="", message=item["message"], persons=persons, hidden=item["hidden"]))
    return out


@bp.route("/new", methods=["GET", "POST"])
@rule(REGION_ROLES)
def new():
    if not access.can_create_person(current_user):
        raise Forbidden("您的账户没有所属区域，不能登记人员。")
    form = PersonForm()
    form.load_code_choices()
    if request.method == "GET":
        home = current_user.region
        if home is not None and home.level.value == "village":
            form.village_code.data = home.code
        form.intention.data = "none"
    done = submit_form(
        form, lambda: _save(lambda: ops.create_person(current_user, _values(form, creating=True),
                                                      allow_near_duplicates=form.confirm_near_duplicate.data)),
        success=lambda result: f"已登记 {result.person.name}。",
        next_url=lambda result: url_for("persons.detail", person_id=result.person.id))
    return done or _render_form(form, None)


def _keep_retired_codes(person: Person, form: PersonForm) -> None:
    """A retired code stays selectable on the records that carry it (or saving would clear it)."""
    labels_by_list = _code_labels()
    for name, list_key in (("work_region", "work_region"), ("work_industry", "industry"),
                           ("intended_industry", "industry")):
        value = getattr(person, name)
        field = getattr(form, name)
        if value and value not in field.choices:
            field.choices = {**field.choices, value: f"{labels_by_list[list_key].get(value, value)}（已停用）"}


def _edit_defaults(person: Person, form: PersonForm) -> None:
    for name in ops.EDITABLE_FIELDS:
        if name in ("phone", "village_code"):
            continue
        value = getattr(person, name)
        field = getattr(form, name)
        if name in ops.ASSESSMENT_FIELDS:
            field.data = "" if value is None else ("1" if value else "0")
        elif name == "skills":
            field.data = "、".join(value or [])
        elif hasattr(value, "value"):
            field.data = value.value
        elif hasattr(value, "isoformat"):
            field.data = value.isoformat()
        else:
            field.data = "" if value is None else str(value)
    form.version.data = str(person.version)


@bp.route("/<int:person_id>/edit", methods=["GET", "POST"])
@rule(REGION_ROLES, sample="person")
def edit(person_id: int):
    person = _load(person_id)
    if person.is_archived:
        raise Conflict("该人员记录已归档，不能修改。")
    if not access.can_edit_person(current_user, person):
        raise Forbidden("您无权修改该人员的信息。")
    form = PersonForm()
    form.load_code_choices()
    _keep_retired_codes(person, form)
    if request.method == "GET":
        _edit_defaults(person, form)
    done = submit_form(
        form, lambda: _save(lambda: ops.update_person(current_user, person, _values(form, creating=False),
                                                      expected_version=int_or_none(form.version.data),
                                                      allow_near_duplicates=form.confirm_near_duplicate.data)),
        success="已保存。", next_url=lambda _: url_for("persons.detail", person_id=person.id))
    return done or _render_form(form, person)


# ---------------------------------------------------------------------------------------------
# The person page


def _render_detail(person: Person, revealed: tuple[str, str | None] | None = None, status: int = 200):
    return render_template(
        "persons/detail.html", person=person, revealed=revealed, sections=sections.sections_for(current_user, person),
        can=_permissions(person), labels=labels, code_labels=_code_labels(),
        history=audit.history("person", person.id), action_form=ReasonForm(),
        archive_question=questions.archive_question(person),
    ), status


@bp.route("/<int:person_id>")
@rule(VIEWERS, sample="person")
def detail(person_id: int):
    return _render_detail(_load(person_id))


@bp.route("/<int:person_id>/reveal", methods=["POST"])
@rule(REGION_ROLES, sample="person")
def reveal(person_id: int):
    """Show the full ID number and phone once (a POST answer, never cached; audited)."""
    person = _load(person_id)
    revealed = ops.reveal_id_number(current_user, person)
    db.session.commit()
    return _render_detail(person, revealed)


@bp.route("/<int:person_id>/archive", methods=["POST"])
@rule(TOWNSHIP_AND_ABOVE, sample="person")
def archive(person_id: int):
    person = _load(person_id)
    form = ReasonForm()
    page = url_for("persons.detail", person_id=person.id)
    if access.can_archive_person(current_user, person) and not confirm.confirmed():
        return confirm.ask(questions.archive_question(person), action="确定归档", back=page)
    return submit_action(lambda: ops.archive_person(current_user, person, reason=form.reason.data,
                                                    expected_version=int_or_none(form.version.data)),
                         back_url=page, section="archive", next_url=page + "#archive", labels={"reason": "归档原因"},
                         success="已归档。该记录不再出现在默认列表中，身份证号码仍保留占用。")


@bp.route("/<int:person_id>/restore", methods=["POST"])
@rule(TOWNSHIP_AND_ABOVE, sample="person")
def restore(person_id: int):
    person = _load(person_id)
    form = ReasonForm()
    page = url_for("persons.detail", person_id=person.id)
    return submit_action(lambda: ops.restore_person(current_user, person, expected_version=int_or_none(form.version.data)),
                         back_url=page, section="archive", next_url=page + "#archive", success="已恢复为在库人员。")


# ---------------------------------------------------------------------------------------------
# County officers: merge, move, correct the ID number


@bp.route("/<int:person_id>/merge", methods=["GET", "POST"])
@rule(COUNTY_AND_ABOVE, sample="person")
def merge(person_id: int):
    survivor = _load(person_id)
    if not access.can_merge_persons(current_user, survivor):
        raise NotFound()
    form = MergeForm()
    other = None
    other_id = int_or_none(form.other_id.data if request.method == "POST" else request.args.get("other"))
    if other_id is not None and not records.valid_id(other_id):
        other_id = None
        form.other_id.errors = ["没有这条记录，或它不在您的管辖范围内。"]
    if other_id is not None:
        other = db.session.get(Person, other_id)
        if other is None or not access.can_view_person(current_user, other):
            if other is not None:
                deny("person", other_id, current_user)  # audited like any out-of-scope access
            other = None
            form.other_id.errors = ["没有这条记录，或它不在您的管辖范围内。"]
    if request.method == "GET":
        form.version.data = str(survivor.version)
        if other is not None:
            form.other_id.data = str(other.id)
            form.other_version.data = str(other.version)
    lookup_errors = list(form.other_id.errors)
    if request.method == "POST" and other is not None and not confirm.confirmed() and form.validate_on_submit():
        return confirm.ask(questions.merge_question(survivor, other), action="确定合并", danger=True,
                           back=url_for("persons.merge", person_id=survivor.id, other=other.id))

    def merge_them() -> None:
        if other is None:
            raise FieldErrors.single("other_id", lookup_errors[0] if lookup_errors else "请填写要并入的记录编号。")
        ops.merge_persons(current_user, survivor, other, reason=form.reason.data,
                          survivor_version=int_or_none(form.version.data),
                          other_version=int_or_none(form.other_version.data))

    done = submit_form(form, merge_them, success=lambda _: f"已将 #{other.id} 并入本记录，原记录已归档。",
                       next_url=lambda _: url_for("persons.detail", person_id=survivor.id),
                       back_url=url_for("persons.merge", person_id=survivor.id, other=other.id) if other else None)
    if done is not None:
        return done
    candidates = []
    if other is None and not survivor.is_archived:
        for warning in ops.near_duplicates(current_user, name=survivor.name, birth_date=survivor.birth_date,
                                           phone=None, exclude_id=survivor.id):
            candidates.extend(warning.persons)
    return render_template("persons/merge.html", person=survivor, other=other, form=form, candidates=candidates,
                           labels=labels, merge_question=questions.merge_question(survivor, other) if other else "")


@bp.route("/<int:person_id>/move", methods=["GET", "POST"])
@rule(COUNTY_AND_ABOVE, sample="person")
def move(person_id: int):
    person = _load(person_id)
    if not access.can_move_person(current_user, person):
        raise NotFound()
    form = MoveForm()
    if request.method == "GET":
        form.version.data = str(person.version)

    def move_it():
        code = (form.village_code.data or "").strip()
        village = None if has_unsafe_chars(code) else by_code(code)
        if village is None:
            raise FieldErrors.single("village_code", "请选择迁入的村（社区）。")
        ops.move_person(current_user, person, village, reason=form.reason.data,
                        expected_version=int_or_none(form.version.data))
        return village

    done = submit_form(form, move_it, success=lambda village: f"已迁移到 {village.full_name}。",
                       next_url=lambda _: url_for("persons.detail", person_id=person.id))
    return done or render_template("persons/move.html", person=person, form=form, labels=labels)


@bp.route("/<int:person_id>/correct-id", methods=["GET", "POST"])
@rule(COUNTY_AND_ABOVE, sample="person")
def correct_id(person_id: int):
    person = _load(person_id)
    if not access.can_correct_id(current_user, person):
        raise NotFound()
    form = CorrectIdForm()
    if request.method == "GET":
        form.version.data = str(person.version)
    done = submit_form(form, lambda: ops.correct_id_number(current_user, person, form.id_number.data or "",
                                                           reason=form.reason.data,
                                                           expected_version=int_or_none(form.version.data)),
                       success="已更正身份证号码。", next_url=lambda _: url_for("persons.detail", person_id=person.id))
    return done or render_template("persons/correct_id.html", person=person, form=form, labels=labels)



@bp.route("/pick")
@rule(REGION_ROLES)
def pick():
    """Name search for person pickers (a business's founder): at most ten people in the user's
    scope, masked as on the list page (and, like the list page, not audited per search)."""
    return jsonify(results=[pickers.candidate_json(p) for p in pickers.candidates(current_user, request.args.get("q"))])
