"""Home work queues: exactly the expected demo cases for each demo user (issue 5 §6), the
home page shows them with counts and links, and the queues follow changes."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.cases import operations as ops
from app.cases import queries
from app.cases.models import Case
from app.extensions import db
from tests.cases.factories import user

# Per demo user: queue key -> the people on it (app/demo/cases.py tells each case's story).
EXPECTED = {
    "demo_city": {
        "requests": {"黄磊", "孙强"},
        "without_ones": {"张伟", "曾庆华", "屈明"},
        "overdue": {"单丽华", "王芳", "陈静", "徐丽", "赵敏"},
        "items_past_due": {"处理原雇员劳动关系"},
        "reassign": {"赵敏"},
    },
    "demo_county": {
        "requests": {"黄磊", "孙强"},
        "without_ones": {"张伟", "曾庆华"},
        "overdue": {"单丽华", "王芳", "陈静", "徐丽", "赵敏"},
        "items_past_due": {"处理原雇员劳动关系"},
        "reassign": {"赵敏"},
    },
    "demo_county2": {"requests": set(), "without_ones": {"屈明"}, "overdue": set(), "items_past_due": set(),
                     "reassign": set()},
    "demo_township": {
        "requests": {"黄磊", "孙强"},
        "without_ones": {"张伟", "曾庆华"},
        "overdue": {"单丽华", "王芳", "陈静", "徐丽", "赵敏"},
        "items_past_due": {"处理原雇员劳动关系"},
        "reassign": {"赵敏"},
    },
    "demo_village": {"requests": {"黄磊"}, "village_followups": {"单丽华", "曾伟", "陈静"}},
    "demo_village2": {"requests": {"孙强"}, "village_followups": {"徐丽"}},
    # Issue 12 §7: "新分派给我" (assignments the assignee has not opened: the demo assignees opened
    # the cases they wrote on) and the specialist's own overdue service items.
    "demo_specialist": {"my_due": {"单丽华", "徐丽"}, "new_assignments": {"曾庆华", "徐丽"},
                        "my_items_past_due": {"处理原雇员劳动关系"}},
    "demo_mentor": {"my_due": {"王芳", "刘洋", "陈静", "赵敏"}, "new_assignments": {"曾伟", "陈静", "赵敏"}},
}


def _names(queue) -> set[str]:
    return ({c.person.name for c in queue.cases} | {r.person.name for r in queue.requests}
            | {i.title for i in queue.items})


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_home_queues_list_exactly_the_expected_cases(demo, username):
    found = {q.key: q for q in queries.queues_for(user(username))}
    assert set(found) == set(EXPECTED[username])
    for key, names in EXPECTED[username].items():
        assert _names(found[key]) == names, (username, key)
        assert found[key].count == len(names), (username, key)


def test_home_page_shows_counts_and_links(demo, login_as):
    html = login_as("demo_mentor").get("/").get_data(as_text=True)
    assert "我的档案：联系到期或逾期" in html
    wang = db.session.scalar(select(Case).where(Case.person.has(name="王芳")))
    assert f"/cases/{wang.id}" in html
    html = login_as("demo_township").get("/").get_data(as_text=True)
    for title in ("待决定的建档申请", "未配齐“1+1”的档案", "逾期未跟进的档案", "超期未办结的服务事项",
                  "待重新分配（服务人员已停用）"):
        assert title in html
    html = login_as("demo_village").get("/").get_data(as_text=True)
    assert "本村待跟进档案" in html and "黄磊" in html


def test_queues_follow_changes(demo):
    township = user("demo_township")
    zhao = db.session.scalar(select(Case).where(Case.person.has(name="赵敏")))
    ops.assign(township, zhao, specialist="demo_specialist", reason="原专员调离", expected_version=zhao.version)
    db.session.commit()
    assert _names(queries.reassignment_queue(township)) == set()
    assert zhao.specialist_due_on > queries.today()  # the new specialist's clock runs from today
    left = db.session.scalar(select(User).where(User.username == "demo_specialist_left"))
    assert not left.is_active_account
