"""The hall board as a TV across the hall shows it, in headless Chromium on the demo hall (31
windows, 14 services), landscape 1920x1080 and portrait 1080x1920: every service's waiting
count and the recent calls inside their panels (measured box by box, not by the page's scroll
size), open windows in tiles with readable names and large numbers, closed windows in one
strip, and the hall's names whole."""

from __future__ import annotations

import pytest

from drivers.idcard.idnumber import check_character

pytestmark = [pytest.mark.browser, pytest.mark.slow]
LAYOUTS = {"landscape": (1920, 1080), "portrait": (1080, 1920)}
SERVICES = [
    "general",
    "certificates",
    "business_startup",
    "tax",
    "real_estate",
    "construction",
    "household",
    "exit_entry",
    "transport",
    "market",
    "marriage",
    "tobacco",
    "seasonal",
    "pickup",
]

# Where everything is, measured in the page: a box is "inside" another when its whole
# rectangle is, and a text is cut when its box is smaller than its content.
MEASURE = """() => {
  const box = (node) => node.getBoundingClientRect();
  const inside = (a, b) => a.width > 0 && a.height > 0 && a.left >= b.left - 0.5
    && a.right <= b.right + 0.5 && a.top >= b.top - 0.5 && a.bottom <= b.bottom + 0.5;
  // a clipped or clamped text: its content is wider, or taller by a hidden line
  const cut = (node) => node.scrollWidth > node.clientWidth + 1
    || node.scrollHeight - node.clientHeight > parseFloat(getComputedStyle(node).lineHeight) / 2;
  // the box of a text's glyphs, as tall as its own line box (a font's ascent and descent
  // reach past a tight line-height, which cuts nothing)
  const text = (node) => {
    const range = document.createRange();
    range.selectNodeContents(node);
    const glyphs = range.getBoundingClientRect();
    const own = box(node);
    return { left: glyphs.left, right: glyphs.right, width: glyphs.width,
      top: Math.max(glyphs.top, own.top), bottom: Math.min(glyphs.bottom, own.bottom),
      height: Math.min(glyphs.height, own.height) };
  };
  const px = (node) => parseFloat(getComputedStyle(node).fontSize);
  const $ = (s) => document.querySelector(s);
  const all = (s) => [...document.querySelectorAll(s)];
  const screen = { left: 0, top: 0, right: innerWidth, bottom: innerHeight };
  const waitingPanel = box($("#waiting").closest(".panel"));
  const recentPanel = box($("#recent").closest(".panel"));
  const tiles = all(".tiles .tile");
  return {
    waiting: all("#waiting li").map((li) => ({
      key: li.dataset.key,
      count: li.querySelector(".w-count").firstChild.textContent,
      inside: inside(box(li), waitingPanel) && inside(box(li), screen)
        && inside(text(li.querySelector(".w-name")), box(li)),
      cut: cut(li.querySelector(".w-name")),
    })),
    recent: all("#recent li").map((li) => ({
      number: li.querySelector(".r-number").textContent,
      inside: inside(box(li), recentPanel) && inside(box(li), box($("#recent")))
        && inside(box(li), screen),
    })),
    tiles: tiles.map((t) => ({
      window: Number(t.dataset.window),
      inside: inside(box(t), box($("#windows"))) && inside(box(t), screen),
      name: px(t.querySelector(".win-name")),
      nameCut: cut(t.querySelector(".tile-head > span")) || cut(t.querySelector(".win-name")),
      statusCut: cut(t.querySelector(".tile-status")),
      number: px(t.querySelector(".tile-ticket span")),
      ticketInside: inside(box(t.querySelector(".tile-ticket span")), box(t)),
    })),
    closed: all(".chip").map((c) => ({
      window: Number(c.dataset.window),
      inside: inside(box(c), box($("#closed"))) && inside(box(c), screen),
    })),
    hallName: { cut: cut($("#hall-name")), inside: inside(text($("#hall-name")), box($(".bar"))) },
    hallNameEn: {
      cut: cut($("#hall-name-en")),
      inside: inside(text($("#hall-name-en")), box($(".bar"))),
    },
    scroll: [document.documentElement.scrollWidth, document.documentElement.scrollHeight],
  };
}"""


@pytest.fixture
def busy_hall(demo_hall):
    """Every service has people waiting; 15 windows open, 16 closed; 12 calls made."""
    for seq, service in enumerate(SERVICES):  # some services need an ID card
        first17 = f"11010519800101{seq:03d}"
        card = {"id_number": first17 + check_character(first17), "name": "王小明"}
        status, body = demo_hall.server.api(
            "POST",
            "/api/v1/halls/county/tickets",
            {"service": service, "id_card": card},
            demo_hall.kiosk,
        )
        assert status == 201, body
    for _ in range(13):
        demo_hall.issue("general")
    for number in (*range(1, 11), 11, 14, 17, 22, 25):
        demo_hall.window(number, "open")
    for number in range(1, 11):
        demo_hall.window(number, "call-next")
    for number in (1, 2):
        demo_hall.window(number, "start")
        demo_hall.window(number, "call-next")
    return demo_hall


def open_board(new_page, hall, layout: str):
    width, height = LAYOUTS[layout]
    page = new_page(width, height)
    page.goto(hall.board_url(layout=layout))
    page.wait_for_selector("body[data-ready='1']")
    page.evaluate("document.fonts.ready")
    return page


def check_board(page, layout: str, open_windows: set[int], whole_names: bool = True) -> dict:
    width, height = LAYOUTS[layout]
    seen = page.evaluate(MEASURE)
    # every service's count, on screen, its name whole
    assert [row["key"] for row in seen["waiting"]] == SERVICES
    assert [row for row in seen["waiting"] if not row["inside"] or row["cut"]] == []
    # the recent calls: whole rows inside their panel
    assert seen["recent"] and all(row["inside"] for row in seen["recent"]), seen["recent"]
    # open windows in tiles, closed ones in the strip, all on screen
    assert {t["window"] for t in seen["tiles"]} == open_windows
    assert {c["window"] for c in seen["closed"]} == set(range(1, 32)) - open_windows
    assert all(t["inside"] and t["ticketInside"] for t in seen["tiles"]), seen["tiles"]
    assert all(c["inside"] for c in seen["closed"]), seen["closed"]
    # readable from across the hall: names of 20 px or more; the called numbers larger still
    assert min(t["name"] for t in seen["tiles"]) >= 20, seen["tiles"]
    assert min(t["number"] for t in seen["tiles"]) >= 40, seen["tiles"]
    if whole_names:
        assert [t["window"] for t in seen["tiles"] if t["nameCut"] or t["statusCut"]] == []
    assert seen["hallName"] == seen["hallNameEn"] == {"cut": False, "inside": True}
    assert seen["scroll"] == [width, height]
    return seen


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_busy_hall_fits_the_board(busy_hall, new_page, screenshot, layout):
    page = open_board(new_page, busy_hall, layout)
    opened = {*range(1, 11), 11, 14, 17, 22, 25}
    seen = check_board(page, layout, opened)
    assert seen["recent"][0]["number"] == "A010"
    assert len(seen["recent"]) >= (5 if layout == "landscape" else 3)
    assert [row["count"] for row in seen["waiting"]][:3] == ["4", "0", "0"]
    screenshot(page, f"board-{layout}-busy")

    # every window open: 31 tiles; the longest names may end in "…" there, nothing else does
    for number in set(range(1, 32)) - opened:
        busy_hall.window(number, "open")
    page.wait_for_function("document.querySelectorAll('.tiles .tile').length === 31")
    check_board(page, layout, set(range(1, 32)), whole_names=False)
    screenshot(page, f"board-{layout}-all-open")
    assert page.errors == []
