#!/usr/bin/env python3
"""Vendors every public capture of real device output for the commands netswim reads.

Sources (both Apache License 2.0), read from local git mirrors of:
  ntc-templates  tests/<platform>/<command>/*.raw with the expected values in the .yml beside it
  genieparser    src/genie/libs/parser/<os>/tests/<Parser>/cli/equal/*_output.txt with *_expected.py

Writes test/fixtures/conformance/<command>/<corpus>-<os>-<name>.txt (the capture, byte for byte) and
test/fixtures/conformance/samples.json: for each capture its command, provenance (repository, path,
commit, licence) and the corpus's own expected values, unchanged. The conformance test reads that.

Run again to refresh: python3 scripts/conformance/vendor.py <ntc-templates git dir> <genieparser git dir>
(git dirs as made by `git clone --mirror`; the files are read with `git show`, at HEAD).
"""
import ast
import json
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / 'test' / 'fixtures' / 'conformance'

# netswim's command -> where each corpus keeps its samples.
COMMANDS = {
    'show-version': {
        'ntc': ['cisco_ios/show_version', 'cisco_nxos/show_version', 'arista_eos/show_version'],
        'genie': ['ios/ShowVersion', 'iosxe/ShowVersion', 'nxos/ShowVersion'],
    },
    'show-boot': {
        # EOS prints its boot image with `show boot-config`.
        'ntc': ['cisco_ios/show_boot', 'arista_eos/show_boot-config'],
        'genie': ['ios/ShowBoot', 'ios/ShowBootvar', 'iosxe/ShowBoot', 'iosxe/ShowBootvar', 'nxos/ShowBoot'],
    },
    'dir': {
        'ntc': ['cisco_ios/dir', 'cisco_nxos/dir', 'arista_eos/dir'],
        'genie': ['ios/Dir', 'iosxe/Dir', 'nxos/Dir'],
    },
    'show-inventory': {
        'ntc': ['cisco_ios/show_inventory', 'cisco_nxos/show_inventory', 'arista_eos/show_inventory'],
        'genie': ['ios/ShowInventory', 'iosxe/ShowInventory', 'nxos/ShowInventory'],
    },
    # Postchecks (domain/postchecks.ts). netswim runs `show ip interface brief` (not the `vrf all`
    # form, so genie's ShowIpInterfaceBriefVrfAll is left out; ntc keeps its vrf-all captures in the
    # same folder, and they print the same table once per VRF). genieparser has no ios parser for it.
    'show-ip-interface-brief': {
        'ntc': ['cisco_ios/show_ip_interface_brief', 'cisco_nxos/show_ip_interface_brief'],
        'genie': ['iosxe/ShowIpInterfaceBrief', 'nxos/ShowIpInterfaceBrief'],
    },
    'show-ip-route-summary': {
        'ntc': ['cisco_ios/show_ip_route_summary'],
        'genie': ['ios/ShowIpRouteSummary', 'iosxe/ShowIpRouteSummary', 'nxos/ShowIpRouteSummary'],
    },
    # netswim runs `show processes cpu | include CPU utilization`: the captures' utilization line.
    'show-processes-cpu': {
        'ntc': ['cisco_ios/show_processes_cpu', 'cisco_nxos/show_processes_cpu'],
        'genie': ['ios/ShowProcessesCpu', 'iosxe/ShowProcessesCpu'],
    },
    'show-system-resources': {
        'ntc': [],
        'genie': ['nxos/ShowSystemResources'],
    },
    # Prechecks (domain/prechecks/types.ts PRECHECK_CATALOGUE): ntp-clock and license.
    'show-clock': {
        'ntc': ['cisco_ios/show_clock', 'cisco_nxos/show_clock'],
        'genie': ['ios/ShowClock', 'iosxe/ShowClock'],
    },
    'show-ntp-status': {
        'ntc': [],
        'genie': ['ios/ShowNtpStatus', 'iosxe/ShowNtpStatus'],
    },
    # The license check runs `show license` on IOS, `show license summary` on IOS-XE and `show
    # license usage` on NX-OS; `show license status` / IOS-XE `show license` it never runs.
    'show-license': {
        'ntc': ['cisco_ios/show_license'],
        'genie': [],
    },
    'show-license-summary': {
        'ntc': [],
        'genie': ['iosxe/ShowLicenseSummary'],
    },
    'show-license-usage': {
        'ntc': ['cisco_nxos/show_license_usage'],
        'genie': [],
    },
    'show-install-summary': {
        'ntc': [],
        'genie': ['iosxe/ShowInstallSummary'],
    },
}

REPOS = {
    'ntc': 'networktocode/ntc-templates',
    'genie': 'CiscoTestAutomation/genieparser',
}


def git(repo: str, *args: str) -> bytes:
    return subprocess.run(['git', '--git-dir', repo, *args], check=True, capture_output=True).stdout


def ls(repo: str, path: str) -> list[str]:
    out = git(repo, 'ls-tree', '--name-only', 'HEAD', path + '/').decode()
    return sorted(line for line in out.splitlines() if line)


def genie_expected(source: str) -> object:
    """The `expected_output = {...}` literal of a genieparser test, read without running it."""
    tree = ast.parse(source)
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == 'expected_output' for t in node.targets):
            return ast.literal_eval(node.value)
    raise ValueError('no expected_output literal')


def main() -> None:
    ntc, genie = sys.argv[1], sys.argv[2]
    commits = {'ntc': git(ntc, 'rev-parse', 'HEAD').decode().strip(), 'genie': git(genie, 'rev-parse', 'HEAD').decode().strip()}
    samples = []
    skipped = []
    for command, corpora in COMMANDS.items():
        target = OUT / command
        target.mkdir(parents=True, exist_ok=True)
        for old in target.glob('*.txt'):
            old.unlink()
        for folder in corpora['ntc']:
            platform = folder.split('/')[0]
            for raw in [p for p in ls(ntc, 'tests/' + folder) if p.endswith('.raw')]:
                yml = raw[:-4] + '.yml'
                name = f"ntc-{platform}-{Path(raw).stem}.txt"
                (target / name).write_bytes(git(ntc, 'show', f'HEAD:{raw}'))
                expected = yaml.safe_load(git(ntc, 'show', f'HEAD:{yml}'))
                samples.append({
                    'command': command, 'file': f'{command}/{name}', 'platform': platform,
                    'source': {'repository': REPOS['ntc'], 'path': raw, 'commit': commits['ntc'], 'licence': 'Apache-2.0'},
                    'expected': expected.get('parsed_sample', []) if expected else [],
                })
        for folder in corpora['genie']:
            os_name, parser = folder.split('/')
            base = f'src/genie/libs/parser/{os_name}/tests/{parser}/cli/equal'
            files = ls(genie, base)
            for out in [p for p in files if p.endswith('_output.txt')]:
                stem = Path(out).name[: -len('_output.txt')]
                exp = f'{base}/{stem}_expected.py'
                if exp not in files:
                    skipped.append(f'{out}: no expected file')
                    continue
                if f'{base}/{stem}_arguments.json' in files:
                    args = json.loads(git(genie, 'show', f'HEAD:{base}/{stem}_arguments.json'))
                else:
                    args = None
                try:
                    expected = genie_expected(git(genie, 'show', f'HEAD:{exp}').decode())
                except (ValueError, SyntaxError) as error:
                    skipped.append(f'{exp}: {error}')
                    continue
                name = f'genie-{os_name}-{parser}-{stem}.txt'
                (target / name).write_bytes(git(genie, 'show', f'HEAD:{out}'))
                sample = {
                    'command': command, 'file': f'{command}/{name}', 'platform': os_name, 'parser': parser,
                    'source': {'repository': REPOS['genie'], 'path': out, 'commit': commits['genie'], 'licence': 'Apache-2.0'},
                    'expected': expected,
                }
                if args is not None:
                    sample['arguments'] = args
                samples.append(sample)
    (OUT / 'samples.json').write_text(json.dumps({'samples': samples, 'skipped': skipped}, indent=1, sort_keys=True) + '\n')
    counts: dict[str, int] = {}
    for s in samples:
        counts[s['command']] = counts.get(s['command'], 0) + 1
    print(json.dumps(counts), f'skipped {len(skipped)}')


if __name__ == '__main__':
    main()
