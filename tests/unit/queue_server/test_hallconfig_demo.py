"""The demo installation (config/demo) loads and looks like the county's reform plan."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from queue_server.cli import main as onewindow
from queue_server.hallconfig import Installation, WindowKind, load_installation

ROOT = Path(__file__).resolve().parents[3]
DEMO = ROOT / "config" / "demo" / "installation.toml"
CENTRE_DOMAINS = (
    "tax",
    "real_estate",
    "construction",
    "public_security",
    "transport",
    "market",
    "marriage",
)


@pytest.fixture(scope="module")
def demo() -> Installation:
    return load_installation(DEMO)


def test_demo_is_marked_as_demo_data(demo: Installation) -> None:
    assert demo.demo is True
    assert "演示数据" in demo.name
    header = DEMO.read_text(encoding="utf-8").splitlines()[:10]
    assert any("演示数据" in line and "DEMO DATA" in line for line in header)


def test_demo_catalog_size(demo: Installation) -> None:
    assert len(demo.items) >= 60
    assert len(demo.departments) >= 20
    assert set(CENTRE_DOMAINS) <= {d.code for d in demo.domains}
    for branch_domain in ("hr_employment", "social_insurance", "justice", "medical_insurance"):
        assert branch_domain in {d.code for d in demo.domains}


def test_demo_names_the_plans_departments_and_typical_items(demo: Installation) -> None:
    departments = {d.name for d in demo.departments}
    for name in (
        "县税务局",
        "县规划自然资源局",
        "县住房城乡建委",
        "县公安局",
        "县交通局",
        "县市场监管局",
        "县民政局",
        "县人力社保局",
        "县司法局",
        "县医保局",
    ):
        assert name in departments
    names = " ".join(i.name for i in demo.items)
    for fragment in (
        "个体工商户设立登记",
        "食品经营许可",
        "不动产转移登记",
        "结婚登记",
        "居民身份证换领",
        "道路运输从业资格证",
        "建设工程规划许可证核发",
        "增值税发票领用",
        "失业登记",
        "社会保障卡申领",
        "医疗保险关系转移接续",
        "法律援助申请",
        "机动车注册登记",
    ):
        assert fragment in names, fragment


def test_every_department_owns_an_item(demo: Installation) -> None:
    owners = {i.department for i in demo.items}
    assert [d.code for d in demo.departments if d.code not in owners] == []


def test_items_follow_the_acceptance_handbook(demo: Installation) -> None:
    codes = [i.code for i in demo.items]
    assert len(set(codes)) == len(codes)
    classes = {i.item_class for i in demo.items}
    assert {"行政许可", "行政确认", "行政备案", "公共服务"} <= classes
    assert {"immediate", "promised"} == {i.kind for i in demo.items}
    for item in demo.items:
        assert 2 <= len(item.materials) <= 6, item.name
        assert all(m.standard.strip() for m in item.materials), item.name
        assert all("其他" not in m.name for m in item.materials), item.name
        if item.kind == "promised":
            assert item.promised_limit_days, item.name
        assert item.fee


def test_halls_centre_branches_and_township(demo: Installation) -> None:
    kinds = [h.kind for h in demo.halls]
    assert kinds.count("centre") == 1
    assert kinds.count("branch") >= 2
    assert demo.hall("county").kind == "centre"
    assert demo.hall("hr").kind == "branch"
    assert demo.hall("social-insurance").kind == "branch"


def test_county_hall_has_at_least_90_percent_comprehensive_windows(demo: Installation) -> None:
    county = demo.hall("county")
    kinds = [w.kind for w in county.windows]
    comprehensive = sum(k.comprehensive for k in kinds)
    departmental = kinds.count(WindowKind.DEPARTMENT)
    assert comprehensive / (comprehensive + departmental) >= 0.9
    assert kinds.count(WindowKind.UNDIFFERENTIATED) >= 8
    assert kinds.count(WindowKind.TEMPORARY) == 1
    assert kinds.count(WindowKind.DELIVERY) == 1
    assert departmental <= 1


def test_county_hall_has_domain_windows_for_each_of_the_seven_domains(
    demo: Installation,
) -> None:
    county = demo.hall("county")
    by_code = {s.code: s for s in county.services}
    served_domains = {
        by_code[code].domain
        for w in county.windows
        if w.kind is WindowKind.DOMAIN
        for code in demo.window_services(county, w)
    }
    assert set(CENTRE_DOMAINS) <= served_domains
    assert county.undifferentiated
    assert {z.code for z in county.zones} >= {"a", "b"}


def test_every_item_is_offered_by_some_service(demo: Installation) -> None:
    offered = {code for h in demo.halls for s in h.services for code in s.items}
    assert [i.name for i in demo.items if i.code not in offered] == []


def test_every_service_is_served_by_some_window(demo: Installation) -> None:
    for hall in demo.halls:
        served = {code for w in hall.windows for code in demo.window_services(hall, w)}
        assert [s.code for s in hall.services if s.code not in served] == [], hall.code


def test_windows_are_numbered_from_one_and_have_signs(demo: Installation) -> None:
    for hall in demo.halls:
        numbers = [w.number for w in hall.windows]
        assert numbers == list(range(1, len(numbers) + 1)), hall.code
        assert all(w.led_address is not None for w in hall.windows), hall.code
        assert all(len(s.prefix) == 1 for s in hall.services), hall.code


def test_each_hall_has_a_service_open_at_any_time_but_most_keep_office_hours(
    demo: Installation,
) -> None:
    office = [time(8, 30), time(12, 0), time(14, 0), time(17, 30)]
    for hall in demo.halls:
        all_day = [
            s
            for s in hall.services
            if any(r.contains(time(0, 0)) for r in s.hours)
            and any(r.contains(time(23, 30)) for r in s.hours)
        ]
        assert all_day, hall.code
    services = [s for h in demo.halls for s in h.services]
    with_office_hours = [
        s for s in services if [t for r in s.hours for t in (r.start, r.end)] == office
    ]
    assert len(with_office_hours) > len(services) / 2


def test_check_config_command_accepts_the_demo(capsys: pytest.CaptureFixture[str]) -> None:
    assert onewindow(["check-config", str(DEMO)]) == 0
    out = capsys.readouterr().out
    assert "OK" in out and "7 hall(s)" in out
