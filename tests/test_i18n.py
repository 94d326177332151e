"""The zh_CN catalog is complete and unambiguous."""
from competition.i18n import merged_catalog
from competition.i18n_check import missing


def test_every_source_string_is_translated():
    gaps = missing()
    assert not gaps, "untranslated (run python -m competition.i18n_check):\n" + "\n".join(
        f"{where[0]}: {msgid!r}" for msgid, where in list(gaps.items())[:40]
    )


def test_placeholders_survive_translation():
    import re

    for message in merged_catalog():
        if not message.id or not message.string:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        msgstr = message.string if isinstance(message.string, str) else message.string[0]
        assert sorted(re.findall(r"%\(\w+\)[sd]", msgid)) == sorted(re.findall(r"%\(\w+\)[sd]", msgstr)), msgid
