"""ntc-templates' TextFSM templates parsing what a lab device answers, as netmiko's use_textfsm does.

Usage: python textfsm_parse.py <device_type> <host> <port> <ntc platform>
Commands come as a JSON list in LAB_COMMANDS. For each one: the parsed records, or the error
TextFSM raised (parse_output is called directly so a failure is not hidden behind raw text).
"""

import json
import os
import sys

from ntc_templates.parse import parse_output
from report import connect, report


def main() -> int:
    device_type, host, port, platform = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    commands = json.loads(os.environ["LAB_COMMANDS"])

    def steps(result: dict) -> None:
        parsed: dict = {}
        result["parsed"] = parsed
        with connect(device_type, host, port) as conn:
            conn.enable()
            for command in commands:
                result["step"] = command
                output = conn.send_command(command)
                try:
                    parsed[command] = {"records": parse_output(platform=platform, command=command, data=output)}
                except Exception as error:  # noqa: BLE001 - reported per command
                    parsed[command] = {"error": f"{type(error).__name__}: {error}", "output": output}
            result["step"] = "done"

    return report(result={"step": "connect"}, steps=steps)


if __name__ == "__main__":
    sys.exit(main())
