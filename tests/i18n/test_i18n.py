"""The zh_CN catalog is complete and unambiguous."""

from competition.i18n.catalog import merged_catalog
from competition.i18n.check import missing, source_messages, unused


def test_every_source_string_is_translated():
    gaps = missing()
    assert not gaps, "untranslated (run python -m competition.i18n.check):\n" + "\n".join(
        f"{where[0]}: {msgid!r}" for msgid, where in list(gaps.items())[:40]
    )


def test_no_catalog_entry_is_left_over():
    stale = unused()
    assert not stale, "catalog entries no source uses (remove them):\n" + "\n".join(
        f"{part}: {msgid!r}" for msgid, part in stale.items()
    )


def test_macro_templates_are_checked_too():
    # Babel skips folders starting with "_" unless told otherwise; the macros hold page text too.
    assert any(w.startswith("templates/_macros/") for where in source_messages().values() for w in where)


def test_placeholders_survive_translation():
    import re

    for message in merged_catalog():
        if not message.id or not message.string:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        msgstr = message.string if isinstance(message.string, str) else message.string[0]
        assert sorted(re.findall(r"%\(\w+\)[sd]", msgid)) == sorted(re.findall(r"%\(\w+\)[sd]", msgstr)), msgid


def test_templates_follow_the_requests_locale_and_force_locale(app):
    """Templates take the catalog by the request's locale (a fast path of ours over Flask-Babel):
    English when asked for, Chinese by default, and force_locale switches inside a request."""
    from flask import render_template_string
    from flask_babel import force_locale

    page = "{{ _('Log in') }}|{{ _('%(n)s drafts', n=3) }}"
    with app.test_request_context("/?lang=en"):
        assert render_template_string(page) == "Log in|3 drafts"
        with force_locale("zh_CN"):
            chinese = render_template_string(page)
        assert chinese != "Log in|3 drafts" and "3" in chinese
        assert render_template_string(page) == "Log in|3 drafts"
    with app.test_request_context("/"):
        assert render_template_string(page) == chinese


# Names an organizer may meet in Chinese text; anything else in ASCII (setting names, commands,
# English words) is for administrators and does not belong on the organizer's pages.
ASCII_ALLOWED = {
    "PDF",
    "Excel",
    "CSV",
    "ZIP",
    "QR",
    "URL",
    "ID",
    "PNG",
    "JPEG",
    "JPG",
    "WPS",
    "LibreOffice",
    "Office",
    "Word",
    "UTF",
    "GBK",
    "BOM",
    "SHA",
    "Ctrl",
    "XLSX",
    "YAML",
    "XXXXXXX",
}
# Pages that document a file format by its keys, and the {field} placeholders of number patterns.
ASCII_REFERENCE_PAGES = ("templates/organizer/setup/contest_definition.html",)


def organizer_ascii_words() -> dict[str, list[str]]:
    import re

    catalog = merged_catalog()
    found = {}
    for msgid, where in source_messages().items():
        places = [
            w
            for w in where
            if w.startswith(("templates/organizer/", "competition/web/organizer/"))
            and not w.startswith(ASCII_REFERENCE_PAGES)
        ]
        if not places:
            continue
        msgstr = catalog.get(msgid).string
        text = re.sub(r"%\(\w+\)[sd]|\{[^}]*\}", "", msgstr if isinstance(msgstr, str) else msgstr[0])
        words = [
            w for w in re.findall(r"[A-Za-z][A-Za-z_]{2,}", text) if w.upper() not in {a.upper() for a in ASCII_ALLOWED}
        ]
        if words:
            found[places[0]] = words
    return found


def test_organizer_text_has_no_technical_names() -> None:
    """PUBLIC_BASE_URL, flask import-contest, criterion:代码 are said in Chinese for an organizer."""
    found = organizer_ascii_words()
    assert not found, found


def test_chinese_text_uses_chinese_punctuation() -> None:
    from babel.messages.catalog import Catalog

    from competition.i18n.check import bad_punctuation

    catalog = Catalog(locale="zh_CN")
    bad = {
        "Judges: %(n)d": "评委: %(n)d",
        "a, b": "创新性,科学性",
        "(note)": "备注(可选)",
        "Really?": "确定删除吗?",
        "Done!": "已保存!",
        "x; y": "已保存;请继续",
    }
    good = {
        "Opens at %(time)s": "%(time)s 开始，10:30 截止",
        "Name: %(name)s, %(n)d": "姓名：%(name)s，%(n)d",
        "See the link": "详见 https://example.org/a,b:c",
        "level": "例如 [一等奖, 0.1]",
        "fields": "可用字段：{year}, {seq:04d}",
        "ascii": "PDF (A4, 300 dpi)",
    }
    for msgid, msgstr in {**bad, **good}.items():
        catalog.add(msgid, msgstr)
    assert set(bad_punctuation(catalog)) == set(bad)
    assert bad_punctuation() == {}, "Chinese text with ASCII punctuation (use ：，（）；？！)"
