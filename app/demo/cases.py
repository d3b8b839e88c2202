"""Demo case files (issue 5 §9): cases at every stage in the demo villages of 分乡镇, assigned to
`demo_specialist` and `demo_mentor`, with visits, mentor notes and service items dated relative
to `clock.today()` (some contacts overdue), two pending requests, a case without both "1"s, a
秭归县 case awaiting assignment, and one case whose specialist has left (the reassignment queue).

Events are written through the operations with the clock set to the day they happened, so the
timeline and the stored due dates are what real use would have produced (an assignee who wrote a
log has opened the case, so those assignments are no longer "新分派给我"). Idempotent: nothing
is added once a demo person has a case.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from app.auth import operations as auth_ops
from app.auth.models import User
from app.cases import operations as ops
from app.cases.models import Case
from app.core import clock
from app.core.access.roles import Role
from app.demo import DEMO_PASSWORD
from app.extensions import db
from app.persons.models import Person
from app.regions.models import Region

DAZHONGBA = "420506103202"
GAOJIAYAN = "420506103203"
LEFT_SPECIALIST = "demo_specialist_left"


def _user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def _person(name: str, village_code: str) -> Person | None:
    return db.session.scalar(select(Person).join(Region, Region.id == Person.village_id)
                             .where(Person.name == name, Region.code == village_code).order_by(Person.id))


class _Story:
    """Replays one case's history day by day (days are offsets before today)."""

    def __init__(self, person: Person, today: date):
        self.person, self.today, self.case = person, today, None

    def at(self, days_ago: int):
        return clock.frozen(self.today - timedelta(days=days_ago))

    def day(self, days_ago: int) -> str:
        return (self.today - timedelta(days=days_ago)).isoformat()

    def open(self, days_ago: int, by: str = "demo_township") -> _Story:
        with self.at(days_ago):
            self.case = ops.open_case(_user(by), self.person, reason="乡镇服务站走访后建档")
        return self

    def assign(self, days_ago: int, specialist: str | None = "demo_specialist", mentor: str | None = "demo_mentor") -> _Story:
        with self.at(days_ago):
            ops.assign(_user("demo_township"), self.case, specialist=specialist, mentor=mentor,
                       expected_version=self.case.version)
        return self

    def stage(self, days_ago: int, stage: str, reason: str) -> _Story:
        with self.at(days_ago):
            ops.change_stage(self.case, stage, _user("demo_township"), reason, expected_version=self.case.version)
        return self

    def visit(self, days_ago: int, by: str, content: str, method: str = "home_visit", needs=(),
              next_in: int | None = None) -> _Story:
        with self.at(days_ago):
            ops.mark_assignment_seen(_user(by), self.case)  # an assignee writes from the case page
            ops.add_log(_user(by), self.case, {
                "kind": "visit", "date": self.day(days_ago), "method": method, "content": content,
                "needs": list(needs), "next_follow_up": self.day(days_ago - next_in) if next_in is not None else None})
        return self

    def note(self, days_ago: int, topic: str, content: str, advice: str = "", next_steps: str = "") -> _Story:
        with self.at(days_ago):
            ops.mark_assignment_seen(_user("demo_mentor"), self.case)
            ops.add_log(_user("demo_mentor"), self.case, {
                "kind": "mentor_note", "date": self.day(days_ago), "topic": topic, "content": content,
                "advice": advice, "next_steps": next_steps})
        return self

    def item(self, days_ago: int, service_type: str, due_in: int, title: str | None = None) -> _Story:
        with self.at(days_ago):
            ops.add_service_item(_user("demo_township"), self.case, {
                "service_type": service_type, "title": title, "due_on": self.day(days_ago - due_in)})
        return self


def _left_specialist() -> User:
    user = _user(LEFT_SPECIALIST)
    if user is None:
        data = auth_ops.UserData(username=LEFT_SPECIALIST, full_name="分乡镇原服务专员", region_code="420506103",
                                 roles={Role.SPECIALIST})
        user = auth_ops.bootstrap_user(data, DEMO_PASSWORD)
    return user


def load_cases() -> str:
    today = clock.today()
    people = {key: _person(*key) for key in [
        ("张伟", DAZHONGBA), ("曾伟", DAZHONGBA), ("单丽华", DAZHONGBA), ("王芳", DAZHONGBA), ("刘洋", DAZHONGBA),
        ("陈静", DAZHONGBA), ("杨帆", DAZHONGBA), ("赵敏", DAZHONGBA), ("黄磊", DAZHONGBA),
        ("曾庆华", GAOJIAYAN), ("徐丽", GAOJIAYAN), ("孙强", GAOJIAYAN), ("屈明", "420527101201")]}
    if any(p is None for p in people.values()) or _user("demo_township") is None:
        return "demo people or accounts missing; run the accounts and persons loaders first"
    ids = [p.id for p in people.values()]
    if db.session.scalar(select(Case.id).where(Case.person_id.in_(ids)).limit(1)) is not None:
        return "demo cases exist"
    ops.seed_service_types()
    p = {name: person for (name, _), person in people.items() if (name, _) != ("张伟", GAOJIAYAN)}

    # 待分配: opened three days ago, nobody assigned yet.
    _Story(p["张伟"], today).open(3)
    # 意向: both assigned, the specialist called ten days ago.
    (_Story(p["曾伟"], today).open(22).assign(20).stage(20, "intention", "有开网店的明确意向")
     .visit(10, "demo_specialist", "电话了解网店选品和启动资金", method="phone", needs=["financing"]))
    # 培训: the specialist is 10 days overdue; the village planned a visit two days ago; land needed.
    (_Story(p["单丽华"], today).open(52).assign(50).stage(48, "training", "报名马兰花 SYB 创业培训")
     .visit(40, "demo_specialist", "到站参加培训说明会", method="at_station", needs=["training_signup"])
     .note(45, "market", "讨论了民宿客源和线上平台", advice="先做周边两小时车程客源", next_steps="整理房间改造预算")
     .visit(12, "demo_village", "入户走访，想流转邻居闲置房屋和土地", needs=["land_transfer"], next_in=10))
    # 孵化: the mentor's note is 10 days overdue (60-day cadence).
    (_Story(p["王芳"], today).open(95).assign(90).stage(88, "incubation", "入驻分乡镇返乡创业孵化基地")
     .note(70, "management", "梳理了茶叶加工的成本结构", advice="控制初期人工成本")
     .visit(5, "demo_specialist", "入企了解加工设备调试情况", method="enterprise_visit"))
    # 已创业: follow-up year, monthly; the mentor is due in five days.
    (_Story(p["刘洋"], today).open(210).assign(200).stage(198, "intention", "有开农家乐意向")
     .stage(100, "founded", "个体工商户已登记")
     .visit(20, "demo_specialist", "回访经营情况，客流稳定", method="phone")
     .note(25, "resources", "对接了区文旅局的乡村旅游推介", advice="参加秋季采摘节"))
    # 创业失败 → 再创业扶持, with the restart services (one past due).
    (_Story(p["陈静"], today).open(300).assign(290).stage(288, "incubation", "入驻孵化基地")
     .stage(60, "failed", "网店经营亏损停业").stage(55, "restart", "申请再创业扶持")
     .item(55, "labour_relations", 30, "处理原雇员劳动关系").item(55, "restart_guidance", 90)
     .visit(8, "demo_specialist", "面谈再创业方向", method="at_station"))
    # 已结案: followed up for a year after founding.
    (_Story(p["杨帆"], today).open(500).assign(495).stage(490, "intention", "有意向")
     .stage(420, "founded", "合作社已登记").stage(30, "closed", "一年跟踪服务期满，经营正常"))
    # 高家堰村: a case still waiting for its mentor, and an overdue intention case.
    _Story(p["曾庆华"], today).open(15).assign(14, mentor=None)
    (_Story(p["徐丽"], today).open(70).assign(68).stage(66, "intention", "想开电商服务站")
     .note(20, "financing", "介绍了创业担保贷款的申请条件")
     .visit(4, "demo_village2", "入户了解电商服务站选址", next_in=7))
    # 秭归县: awaiting assignment (demo_county2's queue).
    _Story(p["屈明"], today).open(4, by="demo_county2")
    # The reassignment queue: this case's specialist has since been deactivated.
    left = _left_specialist()
    story = _Story(p["赵敏"], today).open(80).assign(78, specialist=LEFT_SPECIALIST)
    story.stage(75, "intention", "有养殖意向")
    if left.is_active_account:
        auth_ops.deactivate_user(_user("demo_county"), left, "调离服务专员岗位", expected_version=left.version)
    # Requests from the villages, waiting for the township.
    ops.request_case(_user("demo_village"), p["黄磊"], {"reason": "想利用自家山林发展林下养鸡",
                                                        "needs": ["policy_advice", "financing"]})
    ops.request_case(_user("demo_village2"), p["孙强"], {"reason": "返乡后想开汽修店", "needs": ["site_park"]})
    db.session.flush()
    return "created 12 demo cases and 2 requests"
