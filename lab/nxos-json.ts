// NX-OS `<show command> | json` / `| json-pretty`: the structured (NX-API) form of a show
// command's output, built from the text the lab prints for it so both always agree. Ansible's
// cisco.nxos facts ask for it (`show processes cpu | json` must be an object). Key names are
// NX-API's (Cisco Nexus 9000 NX-API reference / NX-API sandbox output): `show processes cpu`
// fivesec_percent, fivesec_intr_percent, onemin_percent, fivemin_percent, TABLE_process_cpu/ROW_process_cpu;
// `show version` bios_ver_str, kickstart_ver_str, nxos_ver_str, nxos_file_name, chassis_id,
// proc_board_id, host_name, bootflash_size (cisco.nxos facts read host_name, kickstart_ver_str, chassis_id).

const CPU_LINE = /^CPU utilization for five seconds: (\d+)%\/(\d+)%; one minute: (\d+)%; five minutes: (\d+)%$/;
const CPU_ROW = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\S+)%\s+(\S+)%\s+(\S+)%\s+(\d+)\s+(\S.*?)\s*$/;

function processesCpu(text: string[]): object {
  const head = CPU_LINE.exec(text[0] ?? '');
  if (!head) throw new Error(`show processes cpu | json: cannot read "${text[0] ?? ''}"`);
  const rows = text.slice(2).map((line) => {
    const m = CPU_ROW.exec(line);
    if (!m) throw new Error(`show processes cpu | json: cannot read "${line}"`);
    return { pid: m[1], runtime: m[2], invoked: m[3], usecs: m[4], fivesec: m[5], onemin: m[6], fivemin: m[7], tty: m[8], process: m[9] };
  });
  return {
    fivesec_percent: head[1],
    fivesec_intr_percent: head[2],
    onemin_percent: head[3],
    fivemin_percent: head[4],
    TABLE_process_cpu: { ROW_process_cpu: rows },
  };
}

/** One `  <label>: <value>` line of `show version`; refuses when it is missing. */
function versionField(text: string[], label: RegExp): string {
  for (const line of text) {
    const m = label.exec(line);
    if (m?.[1]) return m[1].trim();
  }
  throw new Error(`show version | json: no line matching ${label.source}`);
}

function showVersion(text: string[]): object {
  const version = versionField(text, /^\s+(?:NXOS|system|kickstart):\s+version\s+(\S+)/);
  return {
    header_str: text.slice(0, text.indexOf('')).join('\n'),
    bios_ver_str: versionField(text, /^\s+BIOS:\s+version\s+(\S+)/),
    kickstart_ver_str: version,
    nxos_ver_str: version,
    nxos_file_name: versionField(text, /^\s+(?:NXOS|system) image file is:\s+(\S+)/),
    chassis_id: versionField(text, /^\s+cisco (.+Chassis.*)$/),
    proc_board_id: versionField(text, /^\s+Processor Board ID\s+(\S+)/),
    host_name: versionField(text, /^\s+Device name:\s+(\S+)/),
    bootflash_size: Number(versionField(text, /^\s+bootflash:\s+(\d+) kB/)),
    manufacturer: 'Cisco Systems, Inc.',
  };
}

const CONVERTERS: Record<string, (text: string[]) => object> = {
  'show processes cpu': processesCpu,
  'show version': showVersion,
};

/** True for the `json` / `json-pretty` pipe NX-OS offers. */
export function isJsonPipe(filter: string): boolean {
  return /^\s*json(-pretty)?\s*$/.test(filter);
}

/** Whether `command` (full keywords, as tools send it) has a JSON form in the lab. */
export function hasJsonForm(command: string): boolean {
  return command.trim().split(/\s+/).join(' ') in CONVERTERS;
}

/** The JSON output lines of `command`, from its text output. */
export function jsonOutput(command: string, text: string[], pretty: boolean): string[] {
  const convert = CONVERTERS[command.trim().split(/\s+/).join(' ')];
  if (!convert) throw new Error(`no JSON form for "${command}"`);
  return JSON.stringify(convert(text), null, pretty ? 2 : undefined).split('\n');
}
