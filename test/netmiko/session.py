"""One netmiko session against a lab device, as an operator's script would run it against a switch.

Usage: python session.py <device_type> <host> <port>
Credentials come from the environment (LAB_USERNAME, LAB_PASSWORD, LAB_SECRET) so they never show
in a process list. Prints one JSON object: what each step returned, or where it failed.
"""

import os
import sys

from netmiko import ConnectHandler
from report import report


def main() -> int:
    device_type, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    config_line = os.environ.get("LAB_CONFIG_LINE", "boot system flash:netmiko-check.bin")
    include = os.environ.get("LAB_INCLUDE", "boot system")
    result: dict = {"device_type": device_type, "host": host, "port": port, "step": "connect"}

    def steps(result: dict) -> None:
        params = {
            "device_type": device_type,
            "host": host,
            "port": port,
            "username": os.environ["LAB_USERNAME"],
            "password": os.environ["LAB_PASSWORD"],
            "secret": os.environ.get("LAB_SECRET", ""),
            "timeout": 20,
            "conn_timeout": 10,
            "auth_timeout": 10,
            "banner_timeout": 10,
            "allow_agent": False,
            "use_keys": False,
        }
        # ssh_strict defaults to False: netmiko accepts the lab's host key like an unknown switch's.
        with ConnectHandler(**params) as conn:
            result["step"] = "enable"
            conn.enable()
            result["prompt"] = conn.find_prompt()
            result["step"] = "show version"
            result["show_version"] = conn.send_command("show version")
            result["step"] = "config"
            result["config_output"] = conn.send_config_set([config_line])
            result["after_config_prompt"] = conn.find_prompt()
            result["in_config_mode_after"] = conn.check_config_mode()
            result["step"] = "show running-config | include"
            result["running_include"] = conn.send_command(f"show running-config | include {include}")
            result["step"] = "save"
            result["save_output"] = conn.save_config()
            result["step"] = "show startup-config | include"
            result["startup_include"] = conn.send_command(f"show startup-config | include {include}")
            result["step"] = "done"

    return report(result, steps)


if __name__ == "__main__":
    sys.exit(main())
