"""Broken configuration files are refused with the file, the key path and what to fix.

Each fixture under tests/fixtures/config/invalid/ holds one mistake a hall's IT person makes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from queue_server.cli import main as onewindow
from queue_server.hallconfig import ConfigError, load_installation

INVALID = Path(__file__).resolve().parents[2] / "fixtures" / "config" / "invalid"

# fixture, file named in the problem, key path, fragments the message must contain
CASES = [
    (
        "unknown_key.toml",
        "unknown_key.toml",
        "halls[0:main].windows[0:1].servces",
        ['unknown key "servces"', 'did you mean "services"?', "未知的键"],
    ),
    (
        "bad_prefix.toml",
        "bad_prefix.toml",
        "halls[0:main].services[0:tax].prefix",
        ["1-2 uppercase letters", 'got "T1"', "号码前缀"],
    ),
    (
        "duplicate_window.toml",
        "duplicate_window.toml",
        "halls[0:main].windows[2:2].number",
        ['window number "2" is used twice', "窗口号"],
    ),
    (
        "unknown_service.toml",
        "unknown_service.toml",
        "halls[0:main].windows[0:1].services",
        ['unknown service "taxes"', 'did you mean "tax"?'],
    ),
    (
        "unknown_department.toml",
        "catalog_unknown_department.toml",
        "items[0:100010010000].department",
        ['unknown department "tax"', "tax_bureau", "[[departments]]"],
    ),
    (
        "catch_all.toml",
        "catalog_catch_all.toml",
        "items[0:100010010000].materials[1:其他材料].name",
        ["catch-all", "其他材料", "name each material"],
    ),
    (
        "bad_hours.toml",
        "bad_hours.toml",
        "halls[0:main].services[0:tax].hours[0]",
        ['"8:30-12"', '"08:30-12:00"', "two-digit"],
    ),
    (
        "bad_syntax.toml",
        "bad_syntax.toml",
        "-",
        ["not valid TOML", "line 7", "TOML 语法错误"],
    ),
    (
        "missing_catalog.toml",
        "missing_catalog.toml",
        "catalog",
        ["catalog file not found", "no-such-catalog.toml", "relative to missing_catalog.toml"],
    ),
    (
        "bad_template.toml",
        "bad_template.toml",
        "defaults.announcement_template",
        ["unknown placeholder", "{numbr}", "{number}"],
    ),
    (
        "bad_template_hall.toml",
        "bad_template_hall.toml",
        "halls[0:main].policy.led_template",
        ["unbalanced braces", "{number}"],
    ),
    (
        "bad_timezone.toml",
        "bad_timezone.toml",
        "halls[0:main].timezone",
        ['unknown time zone "Asia/Beijing"', "Asia/Shanghai"],
    ),
]


@pytest.mark.parametrize(("fixture", "file", "key", "fragments"), CASES, ids=[c[0] for c in CASES])
def test_invalid_fixture_is_refused_with_file_key_and_message(
    fixture: str, file: str, key: str, fragments: list[str]
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_installation(INVALID / fixture)
    problems = caught.value.problems
    assert len(problems) == 1, problems
    (problem_file, problem_key, message) = problems[0]
    assert Path(problem_file).name == file
    assert Path(problem_file).resolve() == (INVALID / file).resolve()
    assert problem_key == key
    for fragment in fragments:
        assert fragment in message, (fragment, message)
    # The exception's text (what `onewindow check-config` prints) carries all three.
    assert f"{file}: {key}: " in str(caught.value)
    assert str(caught.value).startswith("配置文件有误 / invalid configuration:")


def test_every_invalid_fixture_has_a_case() -> None:
    mains = {p.name for p in INVALID.glob("*.toml") if not p.name.startswith("catalog_")}
    assert mains == {c[0] for c in CASES}


def test_check_config_command_prints_the_problem_and_fails(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert onewindow(["check-config", str(INVALID / "unknown_key.toml")]) == 1
    err = capsys.readouterr().err
    assert "unknown_key.toml: halls[0:main].windows[0:1].servces:" in err
    assert 'did you mean "services"?' in err
