"""Code tables printed on the cards: gender (GB/T 2261.1) and nation (GB/T 3304).

Names are written as the card prints them (汉, not 汉族). Public copies of the nation table
disagree above 56 and carry typos; these are checked against the standard's order.
"""

from __future__ import annotations

GENDERS: dict[str, str] = {"0": "未知", "1": "男", "2": "女", "9": "未说明"}

_NATION_NAMES = (
    "汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 "
    "佤 畲 高山 拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 "
    "阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 "
    "门巴 珞巴 基诺"
).split()

NATIONS: dict[str, str] = {f"{i:02d}": name for i, name in enumerate(_NATION_NAMES, start=1)}
NATIONS["97"] = "其他"
NATIONS["98"] = "外国血统中国籍人士"


def gender_code(value: str) -> str:
    """Accept a code ("1") or a name ("男") and return the code."""
    if value in GENDERS:
        return value
    for code, name in GENDERS.items():
        if name == value:
            return code
    raise ValueError(f"unknown gender {value!r}: use one of {sorted(GENDERS)} or 男/女")


def nation_code(value: str) -> str:
    """Accept a code ("01", "1") or a name ("汉", "汉族") and return the two-digit code."""
    if value.isdigit() and f"{int(value):02d}" in NATIONS:
        return f"{int(value):02d}"
    name = value.removesuffix("族")
    for code, known in NATIONS.items():
        if known == name:
            return code
    raise ValueError(f"unknown nation {value!r}: use a GB/T 3304 code 01..56 or its name")
