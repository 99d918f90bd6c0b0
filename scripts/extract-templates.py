#!/usr/bin/python3
"""Writes a gettext .pot of the {{#_}}text{{/_}} sections of the templates.

xgettext cannot read Mustache, so this reads every templates/**/*.mustache
and prints one entry per distinct text, with its file:line references.
Usage: extract-templates.py TEMPLATES_DIR > templates.pot
"""
import pathlib
import re
import sys

SECTION = re.compile(r"\{\{#_\}\}(.*?)\{\{/_\}\}", re.S)


def quote(s):
    s = s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return '"' + s + '"'


def main():
    root = pathlib.Path(sys.argv[1])
    refs = {}
    order = []
    for path in sorted(root.rglob("*.mustache")):
        text = path.read_text(encoding="utf-8")
        for m in SECTION.finditer(text):
            msgid = m.group(1)
            line = text.count("\n", 0, m.start()) + 1
            rel = "templates/" + str(path.relative_to(root))
            if msgid not in refs:
                refs[msgid] = []
                order.append(msgid)
            refs[msgid].append(f"{rel}:{line}")
    out = sys.stdout
    out.write('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n')
    for msgid in order:
        out.write("#: " + " ".join(refs[msgid]) + "\n")
        if "{{" in msgid:
            out.write("#. Mustache tags in braces must stay as they are.\n")
        out.write("msgid " + quote(msgid) + '\nmsgstr ""\n\n')


if __name__ == "__main__":
    main()
