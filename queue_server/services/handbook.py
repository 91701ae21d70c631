"""The acceptance handbook (受理材料标准化手册) as the clerk console needs it: a hall's
services, the items (事项) each one accepts and every item's required materials."""

from __future__ import annotations

from typing import Any

from ..hallconfig.schema import Item, Material
from .runtime import Runtime

NECESSITY = {"required": "必要", "optional": "非必要", "tolerated": "容缺"}
FORM = {"paper": "纸质", "electronic": "电子"}
ORIGINAL = {"original": "原件", "copy": "复印件", "original_and_copy": "原件和复印件"}
SOURCE = {"applicant": "申请人提供", "department": "部门核发", "data_sharing": "数据共享获取"}
KIND = {
    "immediate": "即办件",
    "promised": "承诺件",
    "reply": "答复件",
    "joint": "联办件",
    "approval": "报批件",
}


def material_view(m: Material) -> dict[str, Any]:
    return {
        "name": m.name,
        "necessity": m.necessity,
        "necessity_label": NECESSITY[m.necessity],
        "form": list(m.form),
        "form_label": "、".join(FORM[f] for f in m.form),
        "copies": m.copies,
        "original": m.original,
        "original_label": ORIGINAL[m.original],
        "source": m.source,
        "source_label": SOURCE[m.source],
        "standard": m.standard,
    }


def item_view(rt: Runtime, item: Item) -> dict[str, Any]:
    departments = {d.code: d.name for d in rt.installation.departments}
    return {
        "code": item.code,
        "impl_code": item.impl_code,
        "name": item.name,
        "item_class": item.item_class,
        "department": {"code": item.department, "name": departments.get(item.department)},
        "domain": item.domain,
        "kind": item.kind,
        "kind_label": KIND[item.kind],
        "legal_limit_days": item.legal_limit_days,
        "promised_limit_days": item.promised_limit_days,
        "fee": item.fee,
        "max_visits": item.max_visits,
        "mail_delivery": item.mail_delivery,
        "appointment": item.appointment,
        "materials": [material_view(m) for m in item.materials],
    }


def hall_catalog(rt: Runtime, hall: str) -> dict[str, Any]:
    """Services -> items -> materials. Public: it is what a citizen is told to bring."""
    cfg = rt.hall(hall)
    items = {i.code: i for i in rt.installation.items}
    return {
        "hall": hall,
        "services": [
            {
                "code": s.code,
                "name": s.name,
                "prefix": s.prefix,
                "domain": s.domain,
                "items": [item_view(rt, items[c]) for c in s.items if c in items],
            }
            for s in cfg.services
        ],
    }
