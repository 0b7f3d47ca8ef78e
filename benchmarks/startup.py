"""Cold start of `backend-skill serve` to the first answered tools/list, over stdio.

Prints the median of several runs for our server and for two peers measured in the same run:
the bare interpreter (the floor of any Python server) and a minimal MCPServer with one tool (the
floor of any server built on the same SDK). Goal: under 1 s here.
"""

from __future__ import annotations

import json
import os
import selectors
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = int(os.environ.get("RUNS", "7"))
INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "startup-benchmark", "version": "1"},
    },
}
INITIALIZED = {"jsonrpc": "2.0", "method": "notifications/initialized"}
TOOLS_LIST = {"jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": {}}

MINIMAL_SERVER = """
from mcp.server.mcpserver import MCPServer
server = MCPServer(name="minimal")
@server.tool()
def ping() -> str:
    return "pong"
server.run("stdio")
"""


def _read_response(process: subprocess.Popen[bytes], wanted_id: int, deadline: float) -> dict:
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    buffer = b""
    while time.monotonic() < deadline:
        if not selector.select(timeout=deadline - time.monotonic()):
            break
        chunk = os.read(process.stdout.fileno(), 65536)
        if not chunk:
            break
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            message = json.loads(line)
            if message.get("id") == wanted_id:
                return message
    raise TimeoutError(f"no answer to request {wanted_id}")


def time_to_tools_list(argv: list[str]) -> float:
    started = time.perf_counter()
    process = subprocess.Popen(
        argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    assert process.stdin is not None
    try:
        deadline = time.monotonic() + 30
        process.stdin.write((json.dumps(INITIALIZE) + "\n").encode())
        process.stdin.flush()
        _read_response(process, 1, deadline)
        process.stdin.write(
            (json.dumps(INITIALIZED) + "\n" + json.dumps(TOOLS_LIST) + "\n").encode()
        )
        process.stdin.flush()
        answer = _read_response(process, 2, deadline)
        assert answer["result"]["tools"], answer
        return time.perf_counter() - started
    finally:
        process.kill()
        process.wait()


def time_bare_interpreter() -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    return time.perf_counter() - started


def main() -> None:
    entry_point = Path(sys.executable).parent / "backend-skill"
    ours = (
        [str(entry_point), "serve"]
        if entry_point.exists()
        else [sys.executable, "-m", "backend_skill", "serve"]
    )
    with tempfile.TemporaryDirectory() as tmp:
        minimal_script = Path(tmp) / "minimal_server.py"
        minimal_script.write_text(MINIMAL_SERVER)
        time_to_tools_list(ours)  # warm the OS file cache and .pyc files once
        results = {
            "backend-skill serve": [time_to_tools_list(ours) for _ in range(RUNS)],
            "minimal MCPServer (same SDK)": [
                time_to_tools_list([sys.executable, str(minimal_script)]) for _ in range(RUNS)
            ],
            "python -c pass": [time_bare_interpreter() for _ in range(RUNS)],
        }
    ours_median = statistics.median(results["backend-skill serve"])
    print(f"cold start to first tools/list, median of {RUNS} runs ({os.cpu_count()} cores)")
    for name, samples in results.items():
        median = statistics.median(samples)
        print(
            f"  {name:32s} {median * 1000:7.0f} ms  (min {min(samples) * 1000:.0f}, "
            f"max {max(samples) * 1000:.0f})  ours/this = {ours_median / median:.2f}"
        )
    verdict = "meets" if ours_median < 1.0 else "misses"
    print(f"goal < 1000 ms: {verdict} ({ours_median * 1000:.0f} ms)")


if __name__ == "__main__":
    main()
