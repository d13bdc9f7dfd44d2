#!/usr/bin/env python3
# check-manifest.py — the Flatpak manifest builds this app with what it needs
#
# It cannot be built here (no network, no runtime): this checks what can be
# checked without one.
#
# SPDX-License-Identifier: GPL-3.0-or-later
import json
import re
import sys

manifest_path, app_id = sys.argv[1], sys.argv[2]
with open(manifest_path, encoding='utf-8') as f:
    m = json.load(f)

problems = []


def want(condition, message):
    if not condition:
        problems.append(message)


want(m.get('id') == app_id, f'id is not {app_id}')
want(m.get('command') == 'peerup-desktop', 'command is not peerup-desktop')
want(m.get('runtime') == 'org.gnome.Platform', 'runtime is not org.gnome.Platform')
want(m.get('sdk') == 'org.gnome.Sdk', 'sdk is not org.gnome.Sdk')
want(re.fullmatch(r'\d+', str(m.get('runtime-version', ''))) is not None,
     'runtime-version is not a GNOME release')

# The app ID and its sub-names (dev.peerup.PeerUp.Daemon) are owned without
# asking; the rest must be granted.
args = m.get('finish-args', [])
for arg in ('--share=network', '--share=ipc', '--socket=wayland', '--socket=fallback-x11',
            '--talk-name=org.kde.StatusNotifierWatcher', '--talk-name=org.freedesktop.secrets',
            '--env=SECRET_BACKEND=service'):
    want(arg in args, f'finish-args lack {arg}')
want(not any(a.startswith('--own-name=' + app_id) for a in args),
     'the app ID is owned without --own-name')
want(not any(a in ('--filesystem=home', '--filesystem=host', '--socket=session-bus')
             for a in args), 'finish-args grant more than the app needs')

modules = m.get('modules', [])
names = [mod.get('name') for mod in modules]
for dep in ('libsodium', 'libqrencode', 'libnice', 'ngtcp2'):
    want(dep in names, f'no module builds {dep}')
want(bool(modules) and names[-1] == 'peerup', 'the app is not the last module')
if modules:
    app = modules[-1]
    want(app.get('buildsystem') == 'meson', 'the app does not build with meson')
    want(app.get('sources') == [{'type': 'dir', 'path': '..'}],
         'the app is not built from this tree')

for mod in modules[:-1]:
    for src in mod.get('sources', []):
        where = f'{mod.get("name")}: {src.get("url", src.get("path"))}'
        want(src.get('type') == 'git', f'{where} is not a git source')
        want(bool(src.get('tag')), f'{where} is not pinned by tag')
        want(re.fullmatch(r'[0-9a-f]{40}', src.get('commit', '')) is not None,
             f'{where} is not pinned by commit')
        want(src.get('url', '').startswith('https://'), f'{where} is not fetched over https')

for problem in problems:
    print(problem)
sys.exit(1 if problems else 0)
