"""webhook-sender on Go: deliveries are signed (re-signed per attempt) with our headers; 5xx, 429,
408, read timeouts and refused connections are retried after exactly the configured delays; other
4xx and 3xx are final (no redirect followed); after the last retry the endpoint is disabled once;
every attempt is logged."""

from __future__ import annotations

from tests.generate.go.gotool import go_test_variants

OPTION_SETS = [
    {},
    {
        "retry_delays_seconds": [2, 3],
        "connect_timeout_seconds": 1,
        "read_timeout_seconds": 0.3,
        "user_agent": "acme-hooks.v2",
    },
]

SCENARIO = r"""package webhooksender

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"sync"
	"testing"
	"time"
)

type received struct {
	id, ts, agent, ctype, body string
	ok                         bool
}

func TestScenario(t *testing.T) {
	var o struct {
		Delays []int   `json:"retry_delays_seconds"`
		Read   float64 `json:"read_timeout_seconds"`
		Agent  string  `json:"user_agent"`
	}
	loadOptions(t, &o)
	read := time.Duration(o.Read * float64(time.Second))
	secret := "whsec_0123456789abcdef0123456789abcdef"
	scripts := map[string][]int{"/flaky": {503, 429, 200}, "/gone": {410}, "/redirect": {302}, "/down": {500}, "/hang-once": {-1, 200}, "/408": {408, 201}}
	var mu sync.Mutex
	seen := map[string][]received{}
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		ts, _ := strconv.ParseInt(r.Header.Get("X-Webhook-Timestamp"), 10, 64)
		mu.Lock()
		list := append(seen[r.URL.Path], received{r.Header.Get("X-Webhook-ID"), r.Header.Get("X-Webhook-Timestamp"),
			r.Header.Get("User-Agent"), r.Header.Get("Content-Type"), string(body), r.Header.Get("X-Webhook-Signature") == Sign(secret, ts, body)})
		seen[r.URL.Path] = list
		mu.Unlock()
		script := scripts[r.URL.Path]
		step := script[len(script)-1]
		if len(list) <= len(script) {
			step = script[len(list)-1]
		}
		switch step {
		case -1:
			time.Sleep(read + 300*time.Millisecond)
		case 302:
			http.Redirect(w, r, "/flaky", 302)
		default:
			w.WriteHeader(step)
		}
	}))
	defer server.Close()

	clock := time.Unix(1700000000, 0)
	var sleeps []time.Duration
	var log []Attempt
	var disabled []string
	sender := New()
	sender.Now = func() time.Time { return clock }
	sender.Sleep = func(ctx context.Context, d time.Duration) error { sleeps = append(sleeps, d); clock = clock.Add(d); return nil }
	sender.OnAttempt = func(a Attempt) { log = append(log, a) }
	sender.OnDisable = func(e Endpoint) { disabled = append(disabled, e.ID) }
	event := map[string]interface{}{"id": "evt_1", "type": "order.paid", "data": map[string]int{"amount": 10}}
	encoded, _ := json.Marshal(event)
	deliver := func(path string) Result {
		sleeps, log = nil, nil
		result, err := sender.Deliver(context.Background(), Endpoint{ID: "ep" + path, URL: server.URL + path, Secret: secret}, "evt_1", event)
		if err != nil {
			t.Fatal(err)
		}
		return result
	}
	seconds := func(delays []int) []time.Duration {
		out := []time.Duration{}
		for _, d := range delays {
			out = append(out, time.Duration(d)*time.Second)
		}
		return out
	}

	if len(o.Delays) >= 2 {
		if r := deliver("/flaky"); r != (Result{Delivered: true, Attempts: 3}) || !reflect.DeepEqual(sleeps, seconds(o.Delays[:2])) {
			t.Fatalf("flaky: %+v sleeps %v", r, sleeps)
		}
		stamps := map[string]bool{}
		for _, a := range seen["/flaky"] {
			if !a.ok || a.id != "evt_1" || a.body != string(encoded) || a.agent != o.Agent || a.ctype != "application/json" {
				t.Fatalf("attempt %+v", a)
			}
			stamps[a.ts] = true
		}
		if len(stamps) != 3 || log[0].Status != 503 || log[1].Status != 429 || log[2].Status != 200 || log[2].Number != 3 {
			t.Fatalf("re-signed per attempt and logged: %v %+v", stamps, log)
		}
	}
	if r := deliver("/gone"); r != (Result{Attempts: 1}) || len(sleeps) != 0 {
		t.Fatal("a 4xx other than 408/429 is final")
	}
	flakyBefore := len(seen["/flaky"])
	if r := deliver("/redirect"); r != (Result{Attempts: 1}) || len(seen["/flaky"]) != flakyBefore {
		t.Fatal("a redirect is final and not followed")
	}
	if r := deliver("/408"); r.Delivered != (len(o.Delays) > 0) {
		t.Fatal("408 is retried")
	}
	r := deliver("/down")
	if r != (Result{Attempts: len(o.Delays) + 1, Disabled: true}) || !reflect.DeepEqual(sleeps, seconds(o.Delays)) ||
		len(seen["/down"]) != len(o.Delays)+1 || !reflect.DeepEqual(disabled, []string{"ep/down"}) || len(log) != len(o.Delays)+1 {
		t.Fatalf("down: %+v sleeps %v disabled %v", r, sleeps, disabled)
	}

	listener, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := listener.Addr().String()
	listener.Close()
	sleeps, log = nil, nil
	refused, _ := sender.Deliver(context.Background(), Endpoint{ID: "x", URL: "http://" + closed + "/", Secret: secret}, "evt_1", event)
	if refused.Attempts != len(o.Delays)+1 || log[0].Error != "connection error" || log[0].Status != 0 {
		t.Fatalf("refused: %+v %+v", refused, log)
	}
	if read < time.Second {
		started := time.Now()
		if r := deliver("/hang-once"); r != (Result{Delivered: true, Attempts: 2}) || log[0].Error != "timeout" || time.Since(started) > read+2*time.Second {
			t.Fatalf("read timeout: %+v %+v", r, log)
		}
	}
}
"""


def test_signed_retried_on_schedule_then_disabled(go_module, gocache):
    go_test_variants(go_module, gocache, "webhook-sender", OPTION_SETS, SCENARIO)
