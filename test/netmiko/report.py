"""What the netmiko scripts share: the lab session and the JSON report (each step's result, or where it failed)."""

import json
import os
import traceback
from typing import Callable


def report(result: dict, steps: Callable[[dict], None]) -> int:
    """Runs steps(result), then prints result as JSON; exit status 1 when a step raised."""
    try:
        steps(result)
        result["ok"] = True
    except Exception as error:  # noqa: BLE001 - the test wants the failure as data
        result["ok"] = False
        result["error"] = f"{type(error).__name__}: {error}"
        result["traceback"] = traceback.format_exc()
    print(json.dumps(result))
    return 0 if result["ok"] else 1


def connect(device_type: str, host: str, port: int):
    """A netmiko session to a lab device, credentials from LAB_USERNAME / LAB_PASSWORD / LAB_SECRET."""
    from netmiko import ConnectHandler

    return ConnectHandler(
        device_type=device_type,
        host=host,
        port=port,
        username=os.environ["LAB_USERNAME"],
        password=os.environ["LAB_PASSWORD"],
        secret=os.environ.get("LAB_SECRET", ""),
        timeout=20,
        allow_agent=False,
        use_keys=False,
    )
