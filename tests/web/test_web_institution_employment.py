"""Employment after training, the source of "later employment where known" in an institution's
outcomes (issue 9 · 3). 附件4 · 8① (002_192cf03f49fda43c.txt) prefers institutions with good
post-training employment but gives no method of measuring it, so each figure is a record of what the
institution's follow-up, a social-insurance record or the worker found, and the rate is the share
employed among those whose work is known; public pages hide it below 10 people, as the other figures."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from class_support import clerk_of, draft, id_number, listed_institution, roster_xlsx, staff
from django.core.exceptions import PermissionDenied, ValidationError
from web_support import client_for, make_staff

from accounts.models import Role
from audit.models import AuditRecord
from classes import selectors
from classes import services as classes
from classes.models import Employment, TrainingClass

START = date(2025, 10, 9)  # filed on 2025-09-25, the last on-time day (test_web_classes.py)
END = START + timedelta(days=10)
KNOWN_ON = date(2026, 1, 15)
TODAY = date(2026, 2, 1)
PEOPLE = [id_number(f"199001{d:02d}", 100 + d) for d in range(1, 13)]


@pytest.fixture
def world(db: None) -> Any:
    district, city = staff()
    inst = listed_institution(district, city)
    clerk = clerk_of(inst, district)
    return type("World", (), {"district": district, "city": city, "inst": inst, "clerk": clerk})


def trained(world: Any, people: list[str], *, finish: bool = True) -> TrainingClass:
    cls = draft(world.clerk, START)
    rows = [(f"学员{i}", n) for i, n in enumerate(people)]
    classes.roster_upload(
        actor=world.clerk, training_class=cls, file_name="名册.xlsx", data=roster_xlsx(rows)
    )
    cls = classes.class_file(actor=world.clerk, training_class=cls, today=date(2025, 9, 25))
    for action in ("start", "finish") if finish else ("start",):
        cls = classes.class_move(actor=world.clerk, training_class=cls, action=action, today=START)
    return cls


def record(world: Any, actor: Any, number: str, **over: Any) -> Employment:
    fields: dict[str, Any] = {
        "employed": True, "employer": "广州某机械制造有限公司", "source": "follow_up", "on": KNOWN_ON,
        "today": TODAY,
    }  # fmt: skip
    return classes.employment_record(
        actor=actor, institution=world.inst, id_number=number, **{**fields, **over}
    )


def test_the_employment_rate_is_the_share_employed_among_those_known_and_public_only_from_10(
    world: Any,
) -> None:
    trained(world, PEOPLE)
    for number in PEOPLE[:7]:
        record(world, world.clerk, number)
    for number in PEOPLE[7:9]:
        record(world, world.clerk, number, employed=False, employer="")
    out = selectors.outcomes(world.inst)
    assert (out.trainees, out.employment_known, out.employed, out.employment_rate) == (
        12,
        9,
        7,
        Decimal("77.8"),
    )
    # 9 known: below the public minimum of 10, so the public page does not show the rate.
    assert selectors.public_outcomes(world.inst).employment_rate is None

    record(world, world.district, PEOPLE[9], source="insurance", employer="")
    out = selectors.outcomes(world.inst)
    assert (out.employment_known, out.employed, out.employment_rate) == (10, 8, Decimal("80.0"))
    shown = selectors.public_outcomes(world.inst)
    assert (shown.trainees, shown.employment_rate) == (12, Decimal("80.0"))
    # The pass rate still has no 10 assessed trainees behind it.
    assert (shown.pass_rate, shown.suppressed) == (None, True)
    rows = AuditRecord.objects.filter(action="class.employment")
    assert rows.count() == 10
    assert {r.actor for r in rows} == {world.clerk, world.district}
    assert all(n not in r.summary for r in rows for n in PEOPLE)  # masked numbers only


@pytest.mark.parametrize(
    ("over", "field", "message"),
    [
        ({"number": PEOPLE[5]}, "id_number", "不在本机构于 2026-01-15 前结束的培训班名册中"),
        ({"on": END - timedelta(days=1)}, "id_number", "不在本机构于 2025-10-18 前结束的培训班名册中"),
        ({"employed": False}, "employer", "未就业的人员不应填写就业单位"),
        ({"on": TODAY + timedelta(days=1)}, "on", "日期 2026-02-02 晚于今天 2026-02-01"),
        ({"source": "rumour"}, "source", "信息来源 'rumour' 无效"),
    ],
    ids=["not-on-a-roster", "before-the-class-ended", "employer-when-not-employed", "future", "source"],
)
def test_bad_employment_records_are_refused_naming_the_field_and_nothing_is_stored(
    world: Any, over: dict[str, Any], field: str, message: str
) -> None:
    trained(world, PEOPLE[:5])
    number = over.pop("number", PEOPLE[0])
    with pytest.raises(ValidationError) as caught:
        record(world, world.clerk, number, **over)
    assert list(caught.value.message_dict) == [field]
    assert message in caught.value.message_dict[field][0]
    assert not Employment.objects.exists()


def test_a_class_still_running_has_no_employment_after_it_and_a_second_record_is_refused(world: Any) -> None:
    running = trained(world, PEOPLE[:1], finish=False)
    with pytest.raises(ValidationError):
        record(world, world.clerk, PEOPLE[0])
    classes.class_move(actor=world.clerk, training_class=running, action="finish")
    record(world, world.clerk, PEOPLE[0])
    with pytest.raises(ValidationError) as caught:
        record(world, world.district, PEOPLE[0], source="insurance")
    masked = running.trainees.get().id_masked
    assert caught.value.message_dict == {"id_number": [f"{masked} 的培训后就业情况已经记录"]}
    assert Employment.objects.count() == 1


def test_only_the_institutions_clerk_and_the_bureau_of_its_region_record_employment(world: Any) -> None:
    trained(world, PEOPLE[:1])
    other = listed_institution(world.district, world.city, n=2)
    stranger = clerk_of(other, world.district, username="clerk2")
    nantong = make_staff("nantong-d", Role.DISTRICT_BUREAU, "320613")
    for actor in (stranger, nantong, None):
        with pytest.raises(PermissionDenied):
            record(world, actor, PEOPLE[0])
    assert not Employment.objects.exists()


def test_the_district_records_employment_on_the_institutions_page_in_chinese_and_english(world: Any) -> None:
    trained(world, PEOPLE[:2])
    office = client_for(world.district)
    url = f"/office/institutions/{world.inst.pk}/employment/"
    form = {
        "id_number": PEOPLE[0],
        "employed": "yes",
        "employer": "",
        "source": "insurance",
        "on": "2026-01-15",
    }
    assert office.post(url, form).status_code == 302
    page = office.get(f"/office/institutions/{world.inst.pk}/").content.decode()
    assert "已掌握培训后就业情况的人数</dt><dd>1</dd>" in page
    assert "就业率（按已掌握情况）</dt><dd>100.0%</dd>" in page

    refused = office.post(url, {**form, "id_number": PEOPLE[1], "employed": "no", "employer": "某公司"})
    assert refused.status_code == 400
    assert "未就业的人员不应填写就业单位" in refused.content.decode()
    english = office.post(
        f"/en{url}", {**form, "id_number": PEOPLE[1], "employed": "no", "employer": "某公司"}
    )
    assert english.status_code == 400
    assert "Give an employer only for someone who is employed" in english.content.decode()
    assert Employment.objects.count() == 1
    # Another region's staff do not find the institution; its clerk has no back-office pages.
    other = {**form, "id_number": PEOPLE[1]}
    assert (
        client_for(make_staff("nantong-d2", Role.DISTRICT_BUREAU, "320613")).post(url, other).status_code
        == 404
    )
    assert client_for(world.clerk).post(url, other).status_code == 403
    assert Employment.objects.count() == 1

    public = client_for(None).get(f"/institutions/{world.inst.pk}/").content.decode()
    assert "就业率（按已掌握情况）</dt><dd>不予显示</dd>" in public
