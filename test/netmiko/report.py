"""The JSON report the netmiko scripts print: what each step returned, or where it failed."""

import json
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
