"""Byte-exact ticket layout through python-escpos's Dummy printer."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from escpos.printer import Dummy

from drivers.printer.config import ConnectionConfig, LayoutConfig, PrinterConfig, paper_spec
from drivers.printer.decoder import decode
from drivers.printer.driver import render_job
from drivers.printer.slip import TicketSlip, issued_text, print_slip_layout
from drivers.printer.transport import make_printer

URL = "https://hall.example.cn/s/7f3a9c"


def gb(text: str) -> bytes:
    return text.encode("gb18030")


def make_slip(**changes: object) -> TicketSlip:
    fields: dict[str, object] = dict(
        hall_name="渝中区政务服务中心",
        service_name="社保业务",
        number="A001",
        waiting_ahead=3,
        estimated_wait_minutes=12,
        issued_at=datetime(2026, 11, 25, 1, 41, tzinfo=UTC),  # 09:41 in Shanghai
        citizen_name_masked="张*",
        id_number_masked="5001**********1234",
        wait_area="一楼A区等候",
        status_url=URL,
        notices=["过号请重新取号"],
    )
    fields.update(changes)
    return TicketSlip(**fields)  # type: ignore[arg-type]


def job(slip: TicketSlip, **layout: object) -> bytes:
    return render_job(slip, PrinterConfig(layout=LayoutConfig(**layout)))  # type: ignore[arg-type]


def native_qr(payload: str, module: int) -> bytes:
    data = payload.encode()
    return (
        b"\x1d(k\x04\x001A2\x00"
        + b"\x1d(k\x03\x001C" + bytes([module])
        + b"\x1d(k\x03\x001E1"
        + b"\x1d(k" + (len(data) + 3).to_bytes(2, "little") + b"1P0" + data
        + b"\x1d(k\x03\x001Q0"
    )


def test_80mm_ticket_is_byte_exact() -> None:
    rule = b"-" * 48 + b"\n"
    expected = (
        b"\x1b@"  # ESC @
        + b"\x1c\x26"  # FS & Chinese mode
        + b"\x1bE\x01\x1ba\x01"  # bold, centre
        + gb("渝中区政务服务中心\n")
        + b"\x1bE\x00"
        + b"\x1d!\x11" + gb("社保业务\n")  # 2x2
        + b"\x1d!\x33" + b"A001\n"  # 4x4
        + b"\x1d!\x00"
        + b"\x1bE\x01" + gb("前面还有 3 人\n") + b"\x1bE\x00"
        + gb("预计等候约 12 分钟\n")
        + b"\x1ba\x00" + rule
        + gb("取号时间：2026-11-25 09:41\n")
        + gb("姓名：张*\n")
        + gb("证件号码：5001**********1234\n")
        + gb("等候区域：一楼A区等候\n")
        + rule
        + b"\x1ba\x01" + native_qr(URL, 6) + b"\n"
        + gb("扫码查看排队进度\n")
        + b"\x1ba\x00" + gb("过号请重新取号\n")
        + b"\x1bd\x06\x1dV\x00"  # feed 6, full cut
    )
    assert job(make_slip()) == expected


def test_58mm_uses_3x3_number_32_columns_and_smaller_qr() -> None:
    data = job(make_slip(), paper="58mm")
    assert b"\x1d!\x22A001\n" in data
    assert b"\n" + b"-" * 32 + b"\n" in data
    assert b"-" * 33 not in data
    assert native_qr(URL, 5) in data


def test_chinese_mode_comes_right_after_init_and_text_is_gb18030() -> None:
    data = job(make_slip())
    assert data.startswith(b"\x1b@\x1c\x26")
    assert gb("渝中区政务服务中心") in data
    assert "渝中区".encode() not in data  # no UTF-8 text
    assert b"\x1bt" not in data  # no code page switches


def test_full_width_punctuation_alone_is_not_a_question_mark() -> None:
    data = job(make_slip(notices=["（）：", "【】"]))
    assert gb("（）：\n") in data
    assert gb("【】\n") in data
    assert b"???" not in data


def test_plain_escpos_turns_punctuation_into_question_marks_which_is_why_we_refuse_it() -> None:
    plain = Dummy()
    plain.text("（）：")
    assert plain.output.endswith(b"???")
    with pytest.raises(ValueError, match="GB18030"):
        print_slip_layout(Dummy(), make_slip(), LayoutConfig())


def test_optional_lines_are_left_out_and_reprint_green_channel_added() -> None:
    bare = job(make_slip(estimated_wait_minutes=None, citizen_name_masked=None,
                         id_number_masked=None, notices=[]))
    assert gb("预计等候") not in bare
    assert gb("姓名") not in bare and gb("证件号码") not in bare
    marked = job(make_slip(reprint=True, green_channel_reason="老年人"))
    assert b"\x1bE\x01\x1ba\x01" + gb("【补打】\n") + gb("渝中区政务服务中心\n") in marked
    assert b"\x1bE\x01" + gb("绿色通道：老年人\n") + b"\x1bE\x00" in marked


def test_no_status_url_means_no_qr_and_no_caption() -> None:
    data = job(make_slip(status_url=""))
    assert b"\x1d(k" not in data and gb("扫码") not in data
    assert data.endswith(gb("过号请重新取号\n") + b"\x1bd\x06\x1dV\x00")


def test_raster_qr_is_a_gs_v_0_image_as_wide_as_the_paper() -> None:
    data = job(make_slip(), qr_mode="raster", paper="58mm")
    assert b"\x1d(k" not in data
    start = data.index(b"\x1dv0")
    width_bytes = int.from_bytes(data[start + 4 : start + 6], "little")
    height = int.from_bytes(data[start + 6 : start + 8], "little")
    assert width_bytes * 8 == 384
    assert 100 < height < 384
    (ticket,) = decode(data)
    assert [(img.width, img.height) for img in ticket.images] == [(384, height)]


def test_long_text_wraps_to_the_paper_width() -> None:
    long_notice = "请保管好小票，叫号时凭票到窗口办理业务，谢谢合作。"  # 25 wide chars
    data = job(make_slip(notices=[long_notice], service_name="社会保险登记及参保缴费业务"))
    (ticket,) = decode(data, chinese_default=True)
    assert ticket.find_line("请保管好小票").text == long_notice[:24]
    assert ticket.find_line("。").text == "。"
    assert [ln.text for ln in ticket.lines if ln.width == 2] == ["社会保险登记及参保缴费业", "务"]


def test_issue_time_is_local_and_naive_times_are_taken_as_local() -> None:
    assert issued_text(make_slip(), "Asia/Shanghai") == "2026-11-25 09:41"
    naive = make_slip(issued_at=datetime(2026, 11, 25, 9, 41))
    assert issued_text(naive, "Asia/Shanghai") == "2026-11-25 09:41"


def test_profile_carries_the_paper_width() -> None:
    printer = make_printer(ConnectionConfig(kind="dummy"), paper_spec("58mm"))
    assert printer.profile.profile_data["media"]["width"]["pixels"] == 384
    assert printer.profile.get_columns("a") == 32
    printer.text("（）：A")
    assert printer.output == gb("（）：A")
