"""Load and validate the installation's TOML files.

The main file describes the installation and its halls and may name a catalog file
(`catalog = "catalog.toml"`, relative to the main file) holding domains, departments and
items. Every problem is reported with the file, the key and what to fix.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
import types
import typing
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .checks import check_references
from .schema import Installation, QueuePolicy

_CATALOG_KEYS = ("domains", "departments", "items")
# What a pattern in schema.py means, for people who do not read regular expressions.
_PATTERN_HINTS = {
    r"^[a-z0-9][a-z0-9_-]{0,39}$": "编码只能用小写字母、数字、_ 和 - / a code uses lowercase "
    "letters, digits, _ and - (up to 40, starting with a letter or digit)",
    r"^[A-Z]{1,2}$": "号码前缀应为 1-2 个大写字母，如 A 或 TB / a ticket prefix is 1-2 "
    "uppercase letters, e.g. A or TB",
    r"^[0-9A-Z]{12}$": "事项基本编码应为 12 位数字或大写字母 / an item's basic code is 12 "
    "digits or uppercase letters",
}


class ConfigError(Exception):
    """A configuration file is unusable. `problems` lists (file, key, message)."""

    def __init__(self, problems: list[tuple[str, str, str]]):
        self.problems = problems
        lines = [f"{file}: {key}: {message}" for file, key, message in problems]
        super().__init__("配置文件有误 / invalid configuration:\n  " + "\n  ".join(lines))


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError([(str(path), "-", "文件不存在 / file not found")]) from None
    except OSError as exc:
        raise ConfigError([(str(path), "-", f"无法读取 / cannot read: {exc}")]) from None
    try:
        # utf-8-sig: editors on Windows often save UTF-8 with a byte order mark.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            [
                (
                    str(path),
                    "-",
                    f"不是 UTF-8 编码，请另存为 UTF-8 / not UTF-8 text (byte {exc.start}); "
                    "save the file as UTF-8",
                )
            ]
        ) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([(str(path), "-", f"TOML 语法错误 / not valid TOML: {exc}")]) from None


def _key_path(loc: Iterable[Any], data: Any) -> str:
    """Turn a pydantic error location into `halls[0:county].windows[3:12].services`."""
    text = ""
    node = data
    for step in loc:
        if isinstance(step, int) and isinstance(node, list) and step < len(node):
            element = node[step]
            ident = None
            if isinstance(element, dict):
                ident = element.get("code", element.get("number", element.get("name")))
            text += f"[{step}:{ident}]" if ident is not None else f"[{step}]"
            node = element
        else:
            text += f".{step}" if text else str(step)
            node = node.get(step) if isinstance(node, dict) else None
    return text or "-"


def _unwrap(tp: Any) -> Any:
    """Strip Annotated, Optional and list from a field type down to the element type."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            tp = args[0] if len(args) == 1 else tp
            if len(args) != 1:
                return tp
        elif origin is list:
            tp = typing.get_args(tp)[0]
        else:
            return tp


def _model_at(loc: tuple[Any, ...], root: type[BaseModel]) -> type[BaseModel] | None:
    """The model class whose table holds the key at `loc` (the last step)."""
    model: Any = root
    for step in loc[:-1]:
        if isinstance(step, int):
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return None
        field = model.model_fields.get(str(step))
        if field is None:
            return None
        model = _unwrap(field.annotation)
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _message(err: Any, root: type[BaseModel] = Installation) -> str:
    """A pydantic error (located from `root`) as a message saying what to fix."""
    kind, loc, msg = err["type"], tuple(err["loc"]), str(err["msg"])
    if kind == "extra_forbidden" and loc:
        key = str(loc[-1])
        model = _model_at(loc, root)
        allowed = sorted(model.model_fields) if model else []
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        zh = f'未知的键"{key}"' + (f'，是否应为"{close[0]}"？' if close else "")
        en = f'unknown key "{key}"' + (f'; did you mean "{close[0]}"?' if close else "")
        return f"{zh} / {en}" + (f" Allowed keys: {', '.join(allowed)}" if allowed else "")
    if kind == "missing":
        return f"缺少必填项 / required key is missing: {loc[-1] if loc else ''}"
    if kind == "string_pattern_mismatch":
        hint = _PATTERN_HINTS.get(str(err.get("ctx", {}).get("pattern")))
        if hint:
            return f'{hint}; got "{err.get("input")}"'
    if kind == "list_type":
        return (
            "应为数组，表格数组请写 [[...]] 而不是 [...] / expected an array "
            "(for a list of tables write [[name]], not [name])"
        )
    return msg.removeprefix("Value error, ")


def _policy_defaults(data: dict[str, Any], main_path: Path) -> dict[str, Any]:
    """Validate `[defaults]` on its own so a bad default is reported once, at its own key."""
    defaults = data.pop("defaults", {})
    if not isinstance(defaults, dict):
        raise ConfigError([(str(main_path), "defaults", "应为表 [defaults] / must be a table")])
    try:
        QueuePolicy.model_validate(defaults)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            key = _key_path(("defaults", *err["loc"]), None)
            problems.append((str(main_path), key, _message(err, QueuePolicy)))
        raise ConfigError(problems) from None
    return defaults


def load_installation(path: str | Path) -> Installation:
    """Read, merge and validate an installation file (and its catalog)."""
    main_path = Path(path)
    data = _read_toml(main_path)
    # origin[key] = [(first index, file)]: which file each element of a merged list came from.
    origin: dict[str, list[tuple[int, str]]] = {key: [(0, str(main_path))] for key in data}
    catalog_name = data.pop("catalog", None)
    if catalog_name is not None:
        if not isinstance(catalog_name, str):
            raise ConfigError(
                [
                    (
                        str(main_path),
                        "catalog",
                        '应为文件名 / must be a file name, e.g. "catalog.toml"',
                    )
                ]
            )
        catalog_path = Path(os.path.normpath(main_path.parent / catalog_name))
        if not catalog_path.is_file():
            raise ConfigError(
                [
                    (
                        str(main_path),
                        "catalog",
                        f"找不到事项目录文件 / catalog file not found: {catalog_path} "
                        f"(the path is relative to {main_path.name})",
                    )
                ]
            )
        catalog = _read_toml(catalog_path)
        extra = sorted(set(catalog) - set(_CATALOG_KEYS))
        if extra:
            raise ConfigError(
                [
                    (
                        str(catalog_path),
                        k,
                        f"事项目录中不能有此键 / not allowed in a catalog; "
                        f"use {', '.join(_CATALOG_KEYS)}",
                    )
                    for k in extra
                ]
            )
        for key in _CATALOG_KEYS:
            if key in catalog:
                before = data.get(key, [])
                before = before if isinstance(before, list) else []
                data[key] = list(before) + list(catalog[key])
                origin.setdefault(key, []).append((len(before), str(catalog_path)))
    defaults = _policy_defaults(data, main_path)
    halls = data.get("halls", [])
    for hall in halls if isinstance(halls, list) else []:
        if isinstance(hall, dict) and isinstance(hall.get("policy", {}), dict):
            hall["policy"] = {**defaults, **hall.get("policy", {})}

    def file_of(key: str, index: Any = None) -> str:
        spans = origin.get(key, [(0, str(main_path))])
        if isinstance(index, int):
            return [f for start, f in spans if start <= index][-1]
        return spans[-1][1]

    try:
        installation = Installation.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            file = file_of(str(loc[0]), loc[1] if len(loc) > 1 else None) if loc else None
            problems.append((file or str(main_path), _key_path(loc, data), _message(err)))
        raise ConfigError(problems) from None
    problems = check_references(installation)
    if problems:
        located = []
        for key, msg in problems:
            m = re.match(r"(\w+)(?:\[(\d+))?", key)
            top, index = (m[1], int(m[2]) if m[2] else None) if m else (key, None)
            located.append((file_of(top, index), key, msg))
        raise ConfigError(located)
    return installation
