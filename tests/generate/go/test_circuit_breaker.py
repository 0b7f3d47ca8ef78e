"""circuit-breaker on Go: opens after the threshold (503 without calling the dependency),
half-open lets exactly half_open_max concurrent probes through, all must succeed to close, a
failed probe re-opens; successes reset the failure count."""

from __future__ import annotations

from tests.generate.go.gotool import go_test_variants

OPTION_SETS = [{}, {"failure_threshold": 2, "recovery_timeout_seconds": 5, "half_open_max": 1}]

SCENARIO = r"""package breaker

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestScenario(t *testing.T) {
	var o struct {
		Threshold int     `json:"failure_threshold"`
		Recovery  float64 `json:"recovery_timeout_seconds"`
		Probes    int     `json:"half_open_max"`
	}
	loadOptions(t, &o)
	recovery := time.Duration(o.Recovery * float64(time.Second))
	var clock sync.Mutex
	now := time.Unix(1700000000, 0)
	advance := func(d time.Duration) { clock.Lock(); now = now.Add(d); clock.Unlock() }
	b := New()
	b.Now = func() time.Time { clock.Lock(); defer clock.Unlock(); return now }
	var calls atomic.Int32
	var mode atomic.Value
	mode.Store("fail")
	gate := make(chan struct{})
	var waiting atomic.Int32
	upstream := func() error {
		calls.Add(1)
		switch mode.Load().(string) {
		case "gate":
			waiting.Add(1)
			<-gate
			return nil
		case "fail":
			return errors.New("upstream down")
		}
		return nil
	}
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := b.Call(upstream)
		switch {
		case errors.Is(err, ErrOpen):
			w.WriteHeader(503)
		case err != nil:
			w.WriteHeader(502)
		}
	}))
	defer server.Close()
	get := func() int { return do(t, "GET", server.URL, nil, "").Status }

	for i := 0; i < o.Threshold; i++ {
		if get() != 502 {
			t.Fatal("failures pass through while closed")
		}
	}
	if b.State() != Open || get() != 503 || int(calls.Load()) != o.Threshold {
		t.Fatal("open after the threshold, without calling the dependency")
	}
	advance(recovery - time.Millisecond)
	if get() != 503 {
		t.Fatal("still open before the recovery timeout")
	}
	advance(time.Millisecond)
	if b.State() != HalfOpen {
		t.Fatal("half-open after the recovery timeout")
	}

	mode.Store("gate")
	results := make(chan int, o.Probes)
	for i := 0; i < o.Probes; i++ {
		go func() { results <- get() }()
	}
	for int(waiting.Load()) < o.Probes {
		time.Sleep(2 * time.Millisecond)
	}
	if get() != 503 || int(calls.Load()) != o.Threshold+o.Probes {
		t.Fatal("exactly half_open_max probes get through")
	}
	mode.Store("ok")
	close(gate)
	for i := 0; i < o.Probes; i++ {
		if <-results != 200 {
			t.Fatal("probe failed")
		}
	}
	if b.State() != Closed || get() != 200 {
		t.Fatal("closed after all probes succeeded")
	}

	mode.Store("fail")
	for i := 0; i < o.Threshold; i++ {
		get()
	}
	advance(recovery)
	if get() != 502 || b.State() != Open {
		t.Fatal("a failed probe re-opens")
	}
	before := calls.Load()
	if get() != 503 || calls.Load() != before {
		t.Fatal("open again: no call")
	}
	if after := b.RetryAfter(); after != recovery {
		t.Fatalf("RetryAfter %v, want %v", after, recovery)
	}

	advance(recovery)
	mode.Store("ok")
	for i := 0; i < o.Probes; i++ {
		get()
	}
	for round := 0; round < 3; round++ {
		mode.Store("fail")
		for i := 0; i < o.Threshold-1; i++ {
			get()
		}
		mode.Store("ok")
		get()
	}
	if b.State() != Closed {
		t.Fatal("a success resets the consecutive failure count")
	}
}
"""


def test_closed_open_half_open(go_module, gocache):
    go_test_variants(go_module, gocache, "circuit-breaker", OPTION_SETS, SCENARIO)
