#!/usr/bin/env python3
# check-icons.py — the icons parse, symbolic ones are 16×16 and filled only
# (stroke is not recoloured with the theme), and every icon the tray names
# exists
#
# SPDX-License-Identifier: GPL-3.0-or-later
import pathlib
import re
import sys
import xml.etree.ElementTree as ET

top = pathlib.Path(sys.argv[1])
app_id = sys.argv[2]
icons = top / 'data' / 'icons' / 'hicolor'
problems = []

for svg in sorted(icons.rglob('*.svg')):
    name = svg.relative_to(top)
    try:
        root = ET.parse(svg).getroot()
    except ET.ParseError as e:
        problems.append(f'{name}: {e}')
        continue
    if not svg.stem.startswith(app_id):
        problems.append(f'{name}: the name does not start with {app_id} '
                        '(Flatpak exports only those)')
    if svg.stem.endswith('-symbolic'):
        if (root.get('width'), root.get('height')) != ('16', '16'):
            problems.append(f'{name}: a symbolic icon is 16×16')
        for element in root.iter():
            if element.get('stroke') not in (None, 'none') or 'stroke:' in element.get('style', ''):
                problems.append(f'{name}: a symbolic icon uses fills only')
                break

tray = (top / 'src' / 'app' / 'pu-tray.c').read_text()
for suffix in re.findall(r'PU_APP_ID "(-[a-z-]+-symbolic)"', tray):
    if not list(icons.glob(f'*/*/{app_id}{suffix}.svg')):
        problems.append(f'the tray names {app_id}{suffix}, which data/icons lacks')

for problem in problems:
    print(problem)
sys.exit(1 if problems else 0)
