"""The loader: catalog merge, [defaults] under each hall's policy, typed values, and the
problems it reports for mistakes that the fixtures do not cover."""

from __future__ import annotations

import shutil
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from queue_server.hallconfig import ConfigError, Installation, load_installation
from queue_server.hallconfig.schema import TimeRange

VALID = Path(__file__).resolve().parents[2] / "fixtures" / "config" / "valid"


@pytest.fixture(scope="module")
def inst() -> Installation:
    return load_installation(VALID / "installation.toml")


def _edited(tmp_path: Path, old: str, new: str, file: str = "installation.toml") -> Path:
    """A copy of the valid fixture with one text replacement in `file`."""
    for name in ("installation.toml", "catalog.toml"):
        shutil.copy(VALID / name, tmp_path / name)
    target = tmp_path / file
    text = target.read_text(encoding="utf-8")
    assert old in text, old
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    return tmp_path / "installation.toml"


def _problems(path: Path) -> list[tuple[str, str, str]]:
    with pytest.raises(ConfigError) as caught:
        load_installation(path)
    return caught.value.problems


def test_catalog_is_merged(inst: Installation) -> None:
    assert [d.code for d in inst.domains] == ["tax", "general"]
    assert [d.code for d in inst.departments] == ["tax_bureau", "civil_affairs"]
    assert [i.name for i in inst.items] == ["增值税发票领用", "契税申报", "出具婚姻登记记录证明"]
    assert inst.items[2].materials[1].source == "data_sharing"
    assert inst.items[0].materials[0].necessity == "required"  # the default


def test_defaults_are_merged_under_each_halls_policy(inst: Installation) -> None:
    main, branch = inst.halls
    assert main.policy.green_channel_ratio == 1  # the hall's own value wins
    assert main.policy.led_template == "请{number}到{window}号"  # from [defaults]
    assert branch.policy.green_channel_ratio == 3  # from [defaults]
    assert branch.policy.elderly_age == 60  # the model's default


def test_hours_are_time_ranges_also_when_left_out(inst: Installation) -> None:
    tax = inst.hall("main").services[1]
    assert tax.hours == [
        TimeRange(start=time(8, 30), end=time(12, 0)),
        TimeRange(start=time(14, 0), end=time(17, 30)),
    ]
    assert tax.hours[0].contains(time(9, 0)) and not tax.hours[0].contains(time(12, 0))
    assert str(inst.hall("branch").services[0].hours[0]) == "09:00-12:00"


def test_window_services_and_hall_time_zone(inst: Installation) -> None:
    main = inst.hall("main")
    assert inst.window_services(main, main.windows[0]) == ["general"]  # undifferentiated
    assert inst.window_services(main, main.windows[1]) == ["tax"]  # domains = ["tax"]
    assert inst.window_services(main, main.windows[2]) == []  # delivery
    assert inst.hall_timezone(main) == ZoneInfo("Asia/Shanghai")
    assert inst.hall_timezone(inst.hall("branch")) == ZoneInfo("Asia/Urumqi")


def test_utf8_with_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = _edited(tmp_path, "name = ", "name = ")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert load_installation(path).name == "测试大厅"


def test_gbk_file_is_refused_with_advice_to_save_as_utf8(tmp_path: Path) -> None:
    path = tmp_path / "installation.toml"
    path.write_bytes((VALID / "installation.toml").read_text(encoding="utf-8").encode("gbk"))
    [(file, key, message)] = _problems(path)
    assert (file, key) == (str(path), "-")
    assert "save the file as UTF-8" in message and "UTF-8" in message


def test_missing_main_file(tmp_path: Path) -> None:
    [(file, key, message)] = _problems(tmp_path / "nope.toml")
    assert file.endswith("nope.toml") and key == "-" and "file not found" in message


def test_unknown_key_in_defaults_is_reported_once_at_defaults(tmp_path: Path) -> None:
    path = _edited(tmp_path, "green_channel_ratio = 3", "green_chanel_ratio = 3")
    [(file, key, message)] = _problems(path)
    assert Path(file).name == "installation.toml"
    assert key == "defaults.green_chanel_ratio"
    assert 'did you mean "green_channel_ratio"?' in message


def test_bad_value_in_defaults(tmp_path: Path) -> None:
    path = _edited(tmp_path, "green_channel_ratio = 3", "green_channel_ratio = 99")
    [(_, key, message)] = _problems(path)
    assert key == "defaults.green_channel_ratio" and "20" in message


def test_typo_in_a_catalog_item_names_the_catalog(tmp_path: Path) -> None:
    path = _edited(
        tmp_path,
        'department = "civil_affairs"',
        'departmnet = "civil_affairs"',
        file="catalog.toml",
    )
    problems = _problems(path)
    assert {Path(f).name for f, _, _ in problems} == {"catalog.toml"}
    keys = {k: m for _, k, m in problems}
    assert 'did you mean "department"?' in keys["items[2:200020010000].departmnet"]
    assert "required key is missing" in keys["items[2:200020010000].department"]


def test_halls_are_not_allowed_in_the_catalog(tmp_path: Path) -> None:
    path = _edited(
        tmp_path, "[[domains]]", '[[halls]]\ncode = "x"\n\n[[domains]]', file="catalog.toml"
    )
    [(file, key, message)] = _problems(path)
    assert (Path(file).name, key) == ("catalog.toml", "halls")
    assert "not allowed in a catalog" in message


def test_item_in_the_main_file_is_reported_against_the_main_file(tmp_path: Path) -> None:
    extra = (
        '[[items]]\ncode = "bad"\nname = "x"\nitem_class = "公共服务"\n'
        'department = "tax_bureau"\ndomain = "tax"\nkind = "immediate"\n\n[defaults]'
    )
    path = _edited(tmp_path, "[defaults]", extra)
    [(file, key, message)] = _problems(path)
    assert Path(file).name == "installation.toml"
    assert key == "items[0:bad].code"
    assert "12 digits or uppercase letters" in message


def test_bad_installation_time_zone(tmp_path: Path) -> None:
    path = _edited(tmp_path, '"Asia/Shanghai"', '"Beijing"')
    [(_, key, message)] = _problems(path)
    assert key == "timezone" and 'unknown time zone "Beijing"' in message


def test_halls_written_as_a_table_get_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "one.toml"
    path.write_text(
        'name = "x"\n[[domains]]\ncode = "tax"\nname = "税务"\n[halls]\ncode = "x"\n',
        encoding="utf-8",
    )
    [(_, key, message)] = _problems(path)
    assert key == "halls" and "[[name]]" in message


def test_promised_item_needs_a_promised_limit(tmp_path: Path) -> None:
    path = _edited(tmp_path, "promised_limit_days = 1\n", "", file="catalog.toml")
    [(file, key, message)] = _problems(path)
    assert Path(file).name == "catalog.toml"
    assert key == "items[2:200020010000]" and "promised_limit_days" in message


@pytest.mark.parametrize(
    ("old", "new", "key", "fragment"),
    [
        (
            'prefix = "T"',
            'prefix = "A"',
            "halls[0:main].services[1:tax].prefix",
            'prefix "A" is already used',
        ),
        (
            'zone = "a"\nled_address = 1',
            'zone = "c"\nled_address = 1',
            "halls[0:main].windows[0:1].zone",
            'unknown zone "c"',
        ),
        (
            'kind = "undifferentiated"\nzone = "a"',
            'kind = "undifferentiated"\nzone = "a"\ndomains = ["tax"]',
            "halls[0:main].windows[0:1]",
            "remove its services/domains",
        ),
        (
            'undifferentiated = ["general"]',
            "undifferentiated = []",
            "halls[0:main].windows[0:1]",
            "undifferentiated set is empty",
        ),
        (
            'undifferentiated = ["general"]',
            'undifferentiated = ["genral"]',
            "halls[0:main].undifferentiated",
            'did you mean "general"?',
        ),
        ('domains = ["tax"]', "", "halls[0:main].windows[1:2]", "serves nothing"),
        (
            'domain = "general"',
            'domain = "generla"',
            "halls[0:main].services[0:general].domain",
            'did you mean "general"?',
        ),
        (
            'items = ["200020010000"]',
            'items = ["200020010001"]',
            "halls[0:main].services[0:general].items",
            'unknown item "200020010001"',
        ),
        ('code = "branch"', 'code = "main"', "halls[1:main].code", 'hall code "main"'),
        (
            'code = "main"',
            'code = "Main Hall"',
            "halls[0:Main Hall].code",
            "lowercase letters, digits",
        ),
        (
            'kind = "delivery"',
            'kind = "counter"',
            "halls[0:main].windows[2:3].kind",
            "'undifferentiated'",
        ),
    ],
)
def test_hall_mistakes(tmp_path: Path, old: str, new: str, key: str, fragment: str) -> None:
    problems = _problems(_edited(tmp_path, old, new))
    assert [k for _, k, _ in problems] == [key], problems
    [(file, _, message)] = problems
    assert Path(file).name == "installation.toml"
    assert fragment in message


def test_several_problems_are_reported_together(tmp_path: Path) -> None:
    path = _edited(tmp_path, 'domains = ["tax"]', 'services = ["taxes"]')
    text = path.read_text(encoding="utf-8").replace("number = 3", "number = 2")
    path.write_text(text, encoding="utf-8")
    keys = [k for _, k, _ in _problems(path)]
    assert keys == ["halls[0:main].windows[2:2].number", "halls[0:main].windows[1:2].services"]
