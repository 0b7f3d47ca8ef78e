"""Build and test rendered Go snippets with the real `go` tool (Go 1.19, standard library only).

Each option set is rendered into its own directory of one throwaway module, next to a behaviour
test (same package, `scenario_test.go`) and the options it was rendered with; one `go test ./...`
runs them all. No module is downloaded (GOPROXY=off); one GOCACHE is shared by every run.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
from pathlib import Path
from typing import Any

from tests.generate.harness import render_to

GO_MOD = "module example.com/app\n\ngo 1.19\n"

# Written next to every scenario (same package): options and a small HTTP client.
HELPERS = """
import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

func loadOptions(t *testing.T, into interface{}) {
	t.Helper()
	if err := json.Unmarshal([]byte(scenarioOptions), into); err != nil {
		t.Fatal(err)
	}
}

type reply struct {
	Status int
	Header http.Header
	Body   string
}

func (r reply) JSON(t *testing.T) map[string]interface{} {
	t.Helper()
	var out map[string]interface{}
	if err := json.Unmarshal([]byte(r.Body), &out); err != nil {
		t.Fatalf("not JSON: %q", r.Body)
	}
	return out
}

func do(t *testing.T, method, url string, headers map[string]string, body string) reply {
	t.Helper()
	request, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for name, value := range headers {
		request.Header.Set(name, value)
	}
	response, err := http.DefaultClient.Do(request)
	if err != nil {
		t.Fatal(err)
	}
	defer response.Body.Close()
	data, _ := io.ReadAll(response.Body)
	return reply{response.StatusCode, response.Header, string(data)}
}

func errorCode(t *testing.T, r reply) string {
	t.Helper()
	envelope, ok := r.JSON(t)["error"].(map[string]interface{})
	if !ok {
		t.Fatalf("no error envelope: %q", r.Body)
	}
	code, _ := envelope["code"].(string)
	return code
}
"""


def go_binary() -> str | None:
    return shutil.which("go")


def go_env(cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GO")}
    env.update(
        GOCACHE=str(cache),
        GOFLAGS="-mod=mod",
        GOPROXY="off",
        GOSUMDB="off",
        GOTOOLCHAIN="local",
        CGO_ENABLED="0",
        HOME=env.get("HOME", str(cache.parent)),
    )
    return env


def run(args: list[str], cwd: Path, env: dict[str, str], timeout: float) -> tuple[int, str]:
    """Run in its own process group (killed whole on timeout); stdout and stderr together."""
    process = subprocess.Popen(
        args,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        out, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, _ = process.communicate()
        return -1, "timed out\n" + out
    return process.returncode, out


def go_test_variants(
    module: Path,
    cache: Path,
    middleware: str,
    option_sets: list[dict[str, Any]],
    scenario: str,
    timeout: float = 240,
) -> str:
    """Render every option set into module/v<i>/, add the scenario test, run `go test ./...`."""
    module.mkdir(parents=True, exist_ok=True)
    (module / "go.mod").write_text(GO_MOD)
    for index, options in enumerate(option_sets):
        variant = module / f"v{index}"
        result = render_to(variant, middleware, "go", options)
        package_dir = (variant / result.files[0].path).parent
        package = package_dir.name
        (package_dir / "scenario_test.go").write_text(scenario)
        # The validated options (defaults filled in) for the scenario to compare against.
        encoded = json.dumps(result.options)
        assert "`" not in encoded
        (package_dir / "options_test.go").write_text(
            f"package {package}\n\nconst scenarioOptions = `{encoded}`\n"
        )
        (package_dir / "helpers_test.go").write_text(f"package {package}\n{HELPERS}")
    binary = go_binary()
    assert binary is not None
    code, out = run(
        [binary, "test", "-count=1", "./..."], cwd=module, env=go_env(cache), timeout=timeout
    )
    assert code == 0, out[-6000:]
    return out


def gofmt_problems(directory: Path, cache: Path) -> str:
    """Files under `directory` that gofmt would change (its -l output)."""
    binary = go_binary()
    assert binary is not None
    gofmt = Path(os.path.realpath(binary)).parent / "gofmt"
    code, out = run([str(gofmt), "-l", "."], cwd=directory, env=go_env(cache), timeout=60)
    assert code == 0, out
    return out.strip()
