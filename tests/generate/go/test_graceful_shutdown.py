"""graceful-shutdown on Go: on a real SIGTERM readiness turns 503 and new requests are refused,
the in-flight request completes, the server stops accepting, cleanup runs and Exit(0) is called;
a request outliving the drain deadline is cut at the deadline."""

from __future__ import annotations

from tests.generate.go.gotool import go_test_variants

OPTION_SETS = [{}, {"drain_timeout_seconds": 0.5, "readiness_path": "/internal/ready"}]

SCENARIO = r"""package shutdown

import (
	"context"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func TestScenario(t *testing.T) {
	var o struct {
		Drain     float64 `json:"drain_timeout_seconds"`
		Readiness string  `json:"readiness_path"`
	}
	loadOptions(t, &o)
	drain := time.Duration(o.Drain * float64(time.Second))
	hanging := drain < 5*time.Second
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + listener.Addr().String()
	var mu sync.Mutex
	var events []string
	record := func(event string) { mu.Lock(); events = append(events, event); mu.Unlock() }
	entered := make(chan struct{}, 1)
	mux := http.NewServeMux()
	mux.HandleFunc(o.Readiness, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{"status":"ok","checks":{}}`)) })
	mux.HandleFunc("/fast", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		entered <- struct{}{}
		time.Sleep(600 * time.Millisecond)
		record("slow done")
		w.Write([]byte("done"))
	})
	mux.HandleFunc("/hang", func(w http.ResponseWriter, r *http.Request) {
		entered <- struct{}{}
		<-r.Context().Done()
	})
	server := &http.Server{}
	lifecycle := New(server)
	lifecycle.PreStopDelay = 300 * time.Millisecond
	exits := make(chan int, 2)
	lifecycle.Exit = func(code int) { exits <- code }
	lifecycle.OnShutdown = func(ctx context.Context) error { record("cleanup"); return nil }
	server.Handler = lifecycle.Middleware(mux)
	go server.Serve(listener)
	lifecycle.HandleSignals()

	if do(t, "GET", url+o.Readiness, nil, "").Status != 200 {
		t.Fatal("ready before shutdown")
	}
	path := "/slow"
	if hanging {
		path = "/hang"
	}
	inflight := make(chan error, 1)
	status := make(chan int, 1)
	go func() {
		client := &http.Client{Transport: &http.Transport{}}
		response, err := client.Get(url + path)
		if err != nil {
			inflight <- err
			return
		}
		response.Body.Close()
		status <- response.StatusCode
	}()
	<-entered
	started := time.Now()
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for !lifecycle.ShuttingDown() {
		time.Sleep(2 * time.Millisecond)
	}
	fresh := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	get := func(p string) (int, string) {
		response, err := fresh.Get(url + p)
		if err != nil {
			t.Fatal(err)
		}
		defer response.Body.Close()
		buf := new(strings.Builder)
		b := make([]byte, 512)
		n, _ := response.Body.Read(b)
		buf.Write(b[:n])
		return response.StatusCode, buf.String()
	}
	if code, body := get(o.Readiness); code != 503 || !strings.Contains(body, `"status":"fail"`) {
		t.Fatalf("readiness during shutdown: %d %s", code, body)
	}
	if code, body := get("/fast"); code != 503 || !strings.Contains(body, "SERVICE_UNAVAILABLE") {
		t.Fatalf("new request during shutdown: %d %s", code, body)
	}
	select {
	case code := <-status:
		if hanging || code != 200 {
			t.Fatalf("in-flight answered %d (hanging %v)", code, hanging)
		}
	case err := <-inflight:
		if !hanging {
			t.Fatalf("in-flight request failed: %v", err)
		}
	}
	code := <-exits
	elapsed := time.Since(started)
	mu.Lock()
	got := strings.Join(events, ",")
	mu.Unlock()
	if code != 0 {
		t.Fatalf("exit code %d", code)
	}
	if hanging {
		if got != "cleanup" || elapsed < 300*time.Millisecond+drain-50*time.Millisecond || elapsed > 300*time.Millisecond+drain+1500*time.Millisecond {
			t.Fatalf("deadline: events %s after %v", got, elapsed)
		}
	} else if got != "slow done,cleanup" || elapsed > 3*time.Second {
		t.Fatalf("drain: events %s after %v", got, elapsed)
	}
	if _, err := fresh.Get(url + "/fast"); err == nil {
		t.Fatal("still accepting after shutdown")
	}
}
"""


def test_sigterm_drains_then_exits(go_module, gocache):
    go_test_variants(go_module, gocache, "graceful-shutdown", OPTION_SETS, SCENARIO)
