"""Demo people (issue 3 §7): about 60 synthetic people across 大中坝村, 高家堰村, other villages of
分乡镇, other townships of 夷陵区 and a few other counties.

ID numbers are generated here with valid check characters from fixed birth dates (never real
ones); return dates and "outside since" dates are relative to `clock.today()`. Idempotent: a
person whose ID number is already in the library is skipped. Written through the bulk path
(`app.persons.bulk`) so that loading them costs a few statements.
"""
from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select

from app.core import audit, clock
from app.core.validators import id_check_char, parse_id_number
from app.extensions import db
from app.persons import bulk, columns
from app.persons.models import BusinessForm, Intention, Person, PersonSource, PersonStatus
from app.regions.models import Region

DAZHONGBA = "420506103202"
GAOJIAYAN = "420506103203"

# name, gender (m/f), village code, birth date
PEOPLE: list[tuple[str, str, str, str]] = [
    # 分乡镇大中坝村
    ("张伟", "m", DAZHONGBA, "1988-03-12"),
    ("曾伟", "m", DAZHONGBA, "1990-07-21"),
    ("单丽华", "f", DAZHONGBA, "1986-11-02"),
    ("王芳", "f", DAZHONGBA, "1992-01-15"),
    ("李䶮", "m", DAZHONGBA, "1995-05-30"),
    ("刘洋", "m", DAZHONGBA, "1984-09-09"),
    ("陈静", "f", DAZHONGBA, "1991-04-18"),
    ("杨帆", "m", DAZHONGBA, "1993-12-01"),
    ("黄磊", "m", DAZHONGBA, "1979-06-25"),
    ("赵敏", "f", DAZHONGBA, "1989-08-08"),
    ("周杰", "m", DAZHONGBA, "1996-02-14"),
    ("吴秀英", "f", DAZHONGBA, "1975-10-10"),
    ("覃建国", "m", DAZHONGBA, "1981-03-03"),
    ("向春梅", "f", DAZHONGBA, "1987-05-05"),
    # 分乡镇高家堰村
    ("张伟", "m", GAOJIAYAN, "1988-03-12"),  # same name and birth date as in 大中坝村: a near duplicate
    ("曾庆华", "m", GAOJIAYAN, "1983-07-07"),
    ("徐丽", "f", GAOJIAYAN, "1994-09-19"),
    ("孙强", "m", GAOJIAYAN, "1985-01-28"),
    ("胡军", "m", GAOJIAYAN, "1980-12-12"),
    ("朱霞", "f", GAOJIAYAN, "1990-06-06"),
    ("陈𫖮", "m", GAOJIAYAN, "1997-03-21"),
    ("望小兰", "f", GAOJIAYAN, "1992-11-11"),
    ("邓超", "m", GAOJIAYAN, "1986-04-04"),
    ("田甜", "f", GAOJIAYAN, "1998-08-18"),
    # other villages of 分乡镇
    ("高峰", "m", "420506103204", "1982-02-22"),
    ("林海", "m", "420506103205", "1987-07-17"),
    ("何琴", "f", "420506103206", "1991-10-01"),
    ("郭亮", "m", "420506103207", "1984-05-20"),
    ("罗兰", "f", "420506103208", "1989-03-08"),
    ("梁勇", "m", "420506103209", "1978-09-30"),
    ("宋佳", "f", "420506103210", "1993-06-16"),
    ("郑斌", "m", "420506103211", "1985-12-25"),
    ("谢婷", "f", "420506103212", "1995-01-09"),
    ("区志强", "m", "420506103213", "1983-04-27"),
    # other townships of 夷陵区
    ("韩冰", "f", "420506001001", "1990-02-02"),
    ("唐俊", "m", "420506001002", "1988-11-23"),
    ("冯雪", "f", "420506107201", "1994-12-12"),
    ("于洋", "m", "420506107201", "1986-08-15"),
    ("董坤", "m", "420506001003", "1981-06-01"),
    ("萧然", "f", "420506107001", "1997-09-09"),
    ("热依拉·艾力", "f", "420506107201", "1992-05-12"),
    # 秭归县
    ("屈明", "m", "420527101201", "1985-06-18"),
    ("谭静", "f", "420527101202", "1990-03-30"),
    ("向阳", "m", "420527101203", "1987-01-01"),
    ("杜鹃", "f", "420527102201", "1993-04-14"),
    ("熊伟", "m", "420527102202", "1982-10-20"),
    ("周红梅", "f", "420527101201", "1976-07-07"),
    ("李长江", "m", "420527102201", "1980-08-01"),
    ("单于", "m", "420527102202", "1991-02-11"),
    # 宜都市
    ("彭辉", "m", "420581100200", "1984-03-15"),
    ("吕亮", "m", "420581100201", "1989-09-27"),
    ("苏敏", "f", "420581100200", "1992-12-03"),
    ("卢刚", "m", "420581100201", "1979-04-08"),
    ("蒋欢", "f", "420581100200", "1995-07-26"),
    # 当阳市
    ("蔡文", "m", "420582001201", "1986-05-19"),
    ("贾鹏", "m", "420582001202", "1983-11-30"),
    ("丁磊", "m", "420582001203", "1990-01-20"),
    ("薛梅", "f", "420582001201", "1988-06-09"),
    ("叶青", "f", "420582001202", "1994-10-31"),
    ("汪洋", "m", "420582001203", "1981-02-05"),
]

CITIES = {
    "yangtze_delta": ["上海", "苏州", "杭州", "宁波", "无锡"],
    "pearl_delta": ["深圳", "东莞", "广州", "佛山", "中山"],
    "jingjinji": ["北京", "天津"],
    "in_province": ["武汉", "襄阳", "荆州"],
    "out_province": ["重庆", "长沙", "成都", "郑州"],
}
INDUSTRIES = ["specialty_farming", "agri_processing", "rural_ecommerce", "rural_tourism", "productive_services",
              "consumer_services", "manufacturing_support", "light_industry", "modern_services"]
OCCUPATIONS = ["电子厂普工", "建筑木工", "厨师", "快递分拣", "电工", "汽车维修", "家政服务", "服装缝纫", "网店客服",
               "餐饮店长", "水电安装", "物流司机", "茶叶加工", "柑橘种植"]
SKILLS = ["电工", "焊工", "厨师", "驾驶", "种植", "养殖", "电商运营", "直播带货", "缝纫", "木工", "汽修", "茶艺"]
STATUSES = [PersonStatus.WORKING_OUTSIDE, PersonStatus.RETURNED, PersonStatus.RETURNED, PersonStatus.FOUNDED,
            PersonStatus.WORKING_OUTSIDE, PersonStatus.RETURNED, PersonStatus.INCOMER]
SOURCES = [PersonSource.BIGDATA, PersonSource.SURVEY, PersonSource.SURVEY, PersonSource.SELF]


def demo_id_number(county_code: str, born: date, index: int, gender: str) -> str:
    """A synthetic 18-digit number with a valid check character (never a real person's)."""
    sequence = 500 + index * 2 + (1 if gender == "m" else 0)  # odd = male, even = female
    first17 = f"{county_code}{born:%Y%m%d}{sequence % 1000:03d}"
    return first17 + id_check_char(first17)


def _profile(rng: random.Random, index: int, today: date) -> dict:
    status = STATUSES[index % len(STATUSES)]
    region = rng.choice(list(CITIES))
    fields: dict = {
        "status": status,
        "source": SOURCES[index % len(SOURCES)],
        "work_region": region if status != PersonStatus.INCOMER else None,
        "work_city": rng.choice(CITIES[region]) if status != PersonStatus.INCOMER else None,
        "work_industry": rng.choice(INDUSTRIES),
        "occupation": rng.choice(OCCUPATIONS),
        "outside_since": today - timedelta(days=rng.randint(3 * 365, 15 * 365)),
        "skills": rng.sample(SKILLS, rng.randint(0, 3)),
    }
    if status in (PersonStatus.RETURNED, PersonStatus.FOUNDED, PersonStatus.INCOMER):
        fields["returned_on"] = today - timedelta(days=rng.randint(20, 3 * 365))
    if status == PersonStatus.INCOMER:
        fields["outside_since"] = None
    intention = [Intention.NONE, Intention.CONSIDERING, Intention.FIRM][index % 3]
    if status == PersonStatus.FOUNDED:
        intention = Intention.FIRM
    fields["intention"] = intention
    if intention != Intention.NONE:
        fields["intended_industry"] = rng.choice(INDUSTRIES)
        fields["intended_form"] = rng.choice(list(BusinessForm))
        fields["capital_need"] = rng.choice([30_000, 50_000, 100_000, 200_000, 500_000])
    # 三有: every third person fully assessed as yes, others partly or not yet assessed.
    kind = index % 4
    if kind == 0:
        fields.update(willing=True, willing_basis="本人有明确创业计划", capable=True,
                      capable_basis="有多年相关行业经验", creditworthy=True, creditworthy_basis="无不良信用记录")
    elif kind == 1:
        fields.update(willing=True, willing_basis="多次咨询创业政策", capable=False,
                      capable_basis="缺少经营经验，建议参加创业培训")
    elif kind == 2 and intention != Intention.NONE:
        fields.update(willing=True, willing_basis="走访时表达意愿")
    return fields


def load_persons() -> str:
    today = clock.today()
    rng = random.Random(20261128)  # noqa: S311 - demo data, not security
    villages = {r.code: r for r in db.session.scalars(
        select(Region).where(Region.code.in_({code for _, _, code, _ in PEOPLE})))}
    rows, labels = [], []
    for index, (name, gender, village_code, born) in enumerate(PEOPLE):
        village = villages.get(village_code)
        profile = _profile(rng, index, today)
        phone = f"1{rng.choice('3578')}{rng.randint(0, 9)}0717{index:04d}"
        if village is None:
            continue
        info = parse_id_number(demo_id_number(village_code[:6], date.fromisoformat(born), index, gender), today=today)
        exists = db.session.scalar(select(Person.id).where(Person.id_number_hash == columns.id_hash(info.number)))
        if exists is not None:
            continue
        rows.append(bulk.person_row(info, name, village, phone=phone if index % 5 else None, **profile))
        labels.append(name)
    ids = bulk.insert_people(rows)
    for person_id in ids:
        audit.record("person_create", actor=None, object_type="person", object_id=person_id, detail="演示数据")
    db.session.flush()
    return f"created {len(ids)} people" if ids else "all demo people exist"
