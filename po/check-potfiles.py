#!/usr/bin/env python3
# check-potfiles.py — po/POTFILES.in lists, sorted, exactly the files with translatable text
#
# SPDX-License-Identifier: GPL-3.0-or-later
import pathlib
import re
import sys

top = pathlib.Path(sys.argv[1])
listed = [line for line in (top / 'po' / 'POTFILES.in').read_text().splitlines()
          if line and not line.startswith('#')]

# _(), N_(), C_(), NC_() and plural forms in C; translatable="yes" in .ui files.
c_marks = re.compile(r'(?<![A-Za-z0-9_])(?:N|C|NC)?_ ?\(|g_dngettext|ngettext')
wanted = set()
for path in top.glob('src/**/*.c'):
    if c_marks.search(path.read_text()):
        wanted.add(path.relative_to(top).as_posix())
for path in top.glob('ui/*.ui'):
    if 'translatable="yes"' in path.read_text():
        wanted.add(path.relative_to(top).as_posix())
for pattern in ('data/*.desktop.in', 'data/*.metainfo.xml.in', 'data/*.gschema.xml'):
    wanted.update(p.relative_to(top).as_posix() for p in top.glob(pattern))

problems = []
if listed != sorted(listed):
    problems.append('po/POTFILES.in is not sorted')
problems += [f'{name} is listed but does not exist' for name in listed
             if not (top / name).is_file()]
problems += [f'{name} has translatable text: add it to po/POTFILES.in' for name in
             sorted(wanted - set(listed))]
problems += [f'{name} has no translatable text: remove it from po/POTFILES.in' for name in
             sorted(set(listed) - wanted) if (top / name).is_file()]
for problem in problems:
    print(problem)
sys.exit(1 if problems else 0)
