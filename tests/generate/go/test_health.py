"""health on Go: live runs no checks, ready runs them concurrently with a timeout (503 on failure,
no error text leaked), startup waits for MarkStarted, ready is 503 while shutting down."""

from __future__ import annotations

from tests.generate.go.gotool import go_test_variants

OPTION_SETS = [{}, {"path_prefix": "/internal/health", "check_timeout_seconds": 0.2}]

SCENARIO = r"""package health

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestScenario(t *testing.T) {
	var o struct {
		Prefix  string  `json:"path_prefix"`
		Timeout float64 `json:"check_timeout_seconds"`
	}
	loadOptions(t, &o)
	var databaseUp atomic.Bool
	databaseUp.Store(true)
	var cacheCalls atomic.Int32
	probes := New(map[string]Check{
		"database": func(ctx context.Context) error {
			if databaseUp.Load() {
				return nil
			}
			return errors.New("dial tcp secret-host:5432: refused")
		},
		"cache": func(ctx context.Context) error { cacheCalls.Add(1); return nil },
	})
	mux := http.NewServeMux()
	probes.Register(mux)
	server := httptest.NewServer(mux)
	defer server.Close()
	base := server.URL + strings.TrimSuffix(o.Prefix, "/")

	live := do(t, "GET", base+"/live", nil, "")
	if live.Status != 200 || strings.TrimSpace(live.Body) != `{"status":"ok","checks":{}}` || cacheCalls.Load() != 0 {
		t.Fatalf("live: %d %s (checks run: %d)", live.Status, live.Body, cacheCalls.Load())
	}
	if live.Header.Get("Cache-Control") != "no-store" {
		t.Fatal("cache-control")
	}
	if do(t, "GET", base+"/startup", nil, "").Status != 503 {
		t.Fatal("startup before MarkStarted")
	}
	probes.MarkStarted()
	if do(t, "GET", base+"/startup", nil, "").Status != 200 {
		t.Fatal("startup after MarkStarted")
	}
	ready := do(t, "GET", base+"/ready", nil, "")
	if ready.Status != 200 || strings.TrimSpace(ready.Body) != `{"status":"ok","checks":{"cache":{"status":"ok"},"database":{"status":"ok"}}}` {
		t.Fatalf("ready: %d %s", ready.Status, ready.Body)
	}
	databaseUp.Store(false)
	down := do(t, "GET", base+"/ready", nil, "")
	if down.Status != 503 || strings.Contains(down.Body, "secret-host") || !strings.Contains(down.Body, `"database":{"status":"fail"`) {
		t.Fatalf("ready with the database down: %d %s", down.Status, down.Body)
	}
	databaseUp.Store(true)

	timeout := time.Duration(o.Timeout * float64(time.Second))
	hanging := New(map[string]Check{"hang": func(ctx context.Context) error { select {} }})
	mux2 := http.NewServeMux()
	hanging.Register(mux2)
	second := httptest.NewServer(mux2)
	defer second.Close()
	started := time.Now()
	hung := do(t, "GET", second.URL+strings.TrimSuffix(o.Prefix, "/")+"/ready", nil, "")
	elapsed := time.Since(started)
	if hung.Status != 503 || !strings.Contains(hung.Body, `"hang":{"status":"fail","error":"timeout"}`) {
		t.Fatalf("hanging check: %d %s", hung.Status, hung.Body)
	}
	if elapsed < timeout-20*time.Millisecond || elapsed > timeout+time.Second {
		t.Fatalf("took %v for a timeout of %v", elapsed, timeout)
	}

	probes.MarkShuttingDown()
	closing := do(t, "GET", base+"/ready", nil, "")
	if closing.Status != 503 || !strings.Contains(closing.Body, `"status":"fail"`) {
		t.Fatalf("ready while shutting down: %d %s", closing.Status, closing.Body)
	}
	if do(t, "GET", base+"/live", nil, "").Status != 200 {
		t.Fatal("live while shutting down")
	}
}
"""


def test_live_ready_startup(go_module, gocache):
    go_test_variants(go_module, gocache, "health", OPTION_SETS, SCENARIO)
