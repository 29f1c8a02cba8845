"""The printer test slip: what `devices test-print` and the maintenance screen print."""

from __future__ import annotations

from datetime import datetime

from devices.printer.receipt import Align, ChineseText, Cut, KeyValue, QrCode, Receipt, Rule, Text, Title


def test_slip(terminal_id: str, now: datetime) -> Receipt:
    """A slip that exercises what kiosk receipts use: titles, Chinese with punctuation, a QR code."""
    stamp = now.strftime("%Y-%m-%d %H:%M:%S")
    return Receipt().add(
        Title("打印测试"),
        Text("Printer test", align=Align.CENTER, bold=True),
        Rule(),
        KeyValue("终端 Terminal", terminal_id),
        KeyValue("时间 Time", stamp),
        ChineseText("中文：出入境自助服务，请取走回执。"),
        ChineseText("标点与货币：“”《》（）！？￥12.50 ¥8"),
        Text("English: Please take your receipt."),
        Rule(),
        QrCode(f"KIOSK-TEST {terminal_id} {stamp}"),
        ChineseText("扫码核对 Scan to check", align=Align.CENTER),
        Cut(),
    )
