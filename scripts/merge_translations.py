"""Fill the French catalogue from locale/pending/*.json, then list what is still untranslated.

Workflow when strings were added: `make makemessages`, put the French of the new msgids in
locale/pending/<part>.json ({"msgid": "traduction"}; "context\\u0004msgid" for a context;
"singular\\u0000plural": ["forme 1", "forme 2"] for plurals), run this script, compile with
`make messages`, then delete the JSON files: the catalogue is the only record.
"""

import glob
import json
import sys

import polib

po = polib.pofile("locale/fr/LC_MESSAGES/django.po")
pending = {}
for path in sorted(glob.glob("locale/pending/*.json")):
    with open(path, encoding="utf-8") as handle:
        pending.update(json.load(handle))

filled = 0
for entry in po:
    for attr in ("previous_msgid", "previous_msgid_plural", "previous_msgctxt"):
        setattr(entry, attr, None)
    key = f"{entry.msgctxt}\u0004{entry.msgid}" if entry.msgctxt else entry.msgid
    stale = "fuzzy" in entry.flags
    if entry.msgid_plural:
        value = pending.get(f"{entry.msgid}\u0000{entry.msgid_plural}") or pending.get(key)
        if (stale or not entry.msgstr_plural.get(0)) and isinstance(value, list):
            entry.msgstr_plural = {0: value[0], 1: value[1]}
            filled += 1
        else:
            continue
    elif (stale or not entry.msgstr) and isinstance(pending.get(key), str):
        entry.msgstr = pending[key]
        filled += 1
    else:
        continue
    if stale:
        entry.flags.remove("fuzzy")
po.save()

missing = [e for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
print(f"filled {filled}, still untranslated or fuzzy: {len(missing)}")
for entry in missing:
    print(repr(entry.msgctxt), repr(entry.msgid), repr(entry.msgid_plural or ""))
sys.exit(1 if missing else 0)
