"""The XLSX fixtures of tests/test_reader.py, built on the fly (binary files are not committed).

Run `python tests/data/documents/make_xlsx.py DIR` to write them to DIR and open them in a spreadsheet.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font


def persian(path: Path) -> Path:
    """An OKR tool's export in Persian: a title row, a header, objectives in merged cells (blank
    below their first row, so filled down) and progress as a percentage-formatted number."""
    book = Workbook()
    sheet = book.active
    sheet.title = "OKR"
    sheet["A1"] = "اهداف تیم محصول - سه ماهه اول ۲۰۲۷"
    sheet.append([])
    sheet.append(["هدف", "نتیجه کلیدی", "مسئول", "پیشرفت"])
    rows = [
        ("تجربه‌ای روان برای کاربران جدید بسازیم", "نرخ فعال‌سازی را از ۳۰٪ به ۴۵٪ افزایش دهید", "علی", 0.4),
        (None, "زمان رسیدن به ارزش را از ۷ به ۳ روز کاهش دهید", "سارا", 0.25),
        (None, "راهنمای شروع سریع را منتشر کنید", "علی", 1),
        ("مشتریان را به خرید دوباره برسانیم", "نرخ خرید مجدد را از ۱۸٪ به ۲۵٪ افزایش دهید", "مریم", 0.1),
        (None, "نرخ ریزش ماهانه را از ۶٪ به ۴٪ کاهش دهید", "سارا", 0.3),
    ]
    for row in rows:
        sheet.append(list(row))
    for cell in sheet["D"][3:]:
        cell.number_format = "0%"
    sheet.merge_cells("A4:A6")
    sheet.merge_cells("A7:A8")
    path = Path(path)
    book.save(path)
    return path


def export(path: Path) -> Path:
    """A spreadsheet in English where bold rows are objectives, on its second sheet (the active
    one), with due dates as dates and scores as numbers; the first sheet holds only notes."""
    book = Workbook()
    notes = book.active
    notes.title = "Read me"
    notes["A1"] = "Scores are updated every other Friday."
    sheet = book.create_sheet("Q1 2027")
    sheet.append(["Objective / Key result", "Owner", "Due date", "Score"])
    bold = Font(bold=True)
    rows = [
        ("Make the mobile app a pleasure to use", "Priya", None, None, True),
        ("Raise the app store rating from 3.9 to 4.5", "Priya", datetime(2027, 3, 31), 0.6, False),
        ("Cut crash-affected sessions from 2% to 0.5%", "Omar", datetime(2027, 3, 31), 0.8, False),
        ("Grow weekly active app users from 40,000 to 55,000", "Priya", datetime(2027, 3, 31), 0.3, False),
        ("Help customers find answers without calling us", "Lena", None, None, True),
        ("Raise self-service resolution from 35% to 50%", "Lena", datetime(2027, 3, 15), 0.5, False),
        ("Rewrite the help centre", "Omar", datetime(2027, 2, 28), 1.0, False),
    ]
    for text, owner, due, score, is_objective in rows:
        sheet.append([text, owner, due, score])
        if is_objective:
            sheet.cell(row=sheet.max_row, column=1).font = bold
    book.active = 1
    path = Path(path)
    book.save(path)
    return path


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    print(persian(out / "fa-mahsul.xlsx"), export(out / "mobile-export.xlsx"))
