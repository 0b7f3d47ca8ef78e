"""retry on Go: real connection failures (reset, refused) are retried with full-jitter delays
inside the documented bounds, up to max_attempts; other errors only when configured."""

from __future__ import annotations

from tests.generate.go.gotool import go_test_variants

OPTION_SETS = [
    {},
    {"max_attempts": 5, "base_seconds": 0.5, "cap_seconds": 1, "retry_on": ["OSError"]},
    {"max_attempts": 2, "retry_on": ["Exception"]},
]

SCENARIO = r"""package retry

import (
	"context"
	"errors"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

func TestScenario(t *testing.T) {
	var o struct {
		Max   int      `json:"max_attempts"`
		Base  float64  `json:"base_seconds"`
		Cap   float64  `json:"cap_seconds"`
		On    []string `json:"retry_on"`
	}
	loadOptions(t, &o)
	base := time.Duration(o.Base * float64(time.Second))
	capd := time.Duration(o.Cap * float64(time.Second))
	var sleeps []time.Duration
	opts := Options{Sleep: func(ctx context.Context, d time.Duration) error { sleeps = append(sleeps, d); return nil }}

	// A server that drops the connection of the first two requests, then answers.
	var served atomic.Int32
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if served.Add(1) <= 2 {
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.(*net.TCPConn).SetLinger(0) // RST: connection reset by peer
			conn.Close()
			return
		}
		w.Write([]byte("ok"))
	}))
	defer server.Close()
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	get := func(ctx context.Context) error {
		request, _ := http.NewRequestWithContext(ctx, "POST", server.URL, nil) // POST: the transport does not retry it itself
		response, err := client.Do(request)
		if err != nil {
			return err
		}
		defer response.Body.Close()
		_, err = io.ReadAll(response.Body)
		return err
	}
	err := Do(context.Background(), get, opts)
	if o.Max >= 3 {
		if err != nil || served.Load() != 3 || len(sleeps) != 2 {
			t.Fatalf("err %v served %d sleeps %v", err, served.Load(), sleeps)
		}
	} else if err == nil || int(served.Load()) != o.Max {
		t.Fatalf("max %d: err %v served %d", o.Max, err, served.Load())
	}

	for attempt := 0; attempt < 8; attempt++ {
		ceiling := math.Min(float64(capd), float64(base)*math.Pow(2, float64(attempt)))
		if Backoff(attempt, 0) != 0 || math.Abs(float64(Backoff(attempt, 0.999999))-ceiling) > 0.01*ceiling {
			t.Fatalf("attempt %d: backoff %v, ceiling %v", attempt, Backoff(attempt, 0.999999), time.Duration(ceiling))
		}
	}

	listener, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := listener.Addr().String()
	listener.Close()
	calls := 0
	sleeps = nil
	err = Do(context.Background(), func(ctx context.Context) error {
		calls++
		conn, err := net.DialTimeout("tcp", closed, time.Second)
		if err == nil {
			conn.Close()
		}
		return err
	}, opts)
	if err == nil || calls != o.Max || len(sleeps) != o.Max-1 {
		t.Fatalf("refused: calls %d sleeps %d err %v", calls, len(sleeps), err)
	}
	for attempt, d := range sleeps {
		if d < 0 || float64(d) > math.Min(float64(capd), float64(base)*math.Pow(2, float64(attempt))) {
			t.Fatalf("sleep %d = %v out of bounds", attempt, d)
		}
	}

	calls = 0
	bug := errors.New("nil pointer in our code")
	_ = Do(context.Background(), func(context.Context) error { calls++; return bug }, opts)
	want := 1
	for _, name := range o.On {
		if name == "Exception" {
			want = o.Max
		}
	}
	if calls != want {
		t.Fatalf("a plain error was called %d times, want %d", calls, want)
	}
}
"""


def test_retries_real_connection_failures(go_module, gocache):
    go_test_variants(go_module, gocache, "retry", OPTION_SETS, SCENARIO)
