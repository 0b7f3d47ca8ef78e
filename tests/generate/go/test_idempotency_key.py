"""idempotency-key on Go (memory store): a replayed key returns the stored response byte for byte
and does not run the handler twice; 409 while in progress; 422 for a different payload; 4xx
stored, 5xx not; TTL expiry; keys scoped per principal. store=redis is refused."""

from __future__ import annotations

import pytest

from backend_skill.errors import UsageError
from backend_skill.generate import generate_middleware
from tests.generate.go.gotool import go_test_variants

OPTION_SETS = [
    {},
    {
        "header_name": "X-Idempotency-Key",
        "ttl_seconds": 60,
        "lock_timeout_seconds": 5,
        "methods": ["POST", "PUT"],
        "max_key_length": 40,
        "key_prefix": "idem:test:",
    },
]

SCENARIO = r"""package idempotency

import (
	"fmt"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestScenario(t *testing.T) {
	var o struct {
		Header  string   `json:"header_name"`
		TTL     int      `json:"ttl_seconds"`
		Methods []string `json:"methods"`
		MaxKey  int      `json:"max_key_length"`
	}
	loadOptions(t, &o)
	now := time.Unix(1700000000, 0)
	var clock sync.Mutex
	store := New()
	store.Now = func() time.Time { clock.Lock(); defer clock.Unlock(); return now }
	store.ScopeOf = func(r *http.Request) string { return r.Header.Get("X-User") }
	var mu sync.Mutex
	counts := map[string]int{}
	gate := make(chan struct{})
	entered := make(chan struct{}, 1)
	handler := store.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		counts[r.URL.Path]++
		n := counts[r.URL.Path]
		mu.Unlock()
		switch r.URL.Path {
		case "/slow":
			entered <- struct{}{}
			<-gate
		case "/fail":
			w.WriteHeader(503)
			fmt.Fprintf(w, `{"attempt":%d}`, n)
			return
		case "/invalid":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(422)
			fmt.Fprintf(w, `{"n":%d}`, n)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Location", fmt.Sprintf("/orders/%d", n))
		w.WriteHeader(201)
		fmt.Fprintf(w, `{"id":%d,"r":%d}`, n, rand.Int())
	}))
	server := httptest.NewServer(handler)
	defer server.Close()
	send := func(path, key, body string, extra map[string]string) reply {
		headers := map[string]string{"Content-Type": "application/json", "X-User": "alice"}
		if key != "" {
			headers[o.Header] = key
		}
		for k, v := range extra {
			headers[k] = v
		}
		method := o.Methods[0]
		if m, ok := extra["method"]; ok {
			method = m
		}
		return do(t, method, server.URL+path, headers, body)
	}
	body := `{"sku":"A1","qty":2}`

	first := send("/orders", "k1", body, nil)
	replay := send("/orders", "k1", body, nil)
	if first.Status != 201 || replay.Status != 201 || replay.Body != first.Body || counts["/orders"] != 1 {
		t.Fatalf("replay: %d %q vs %q (runs %d)", replay.Status, replay.Body, first.Body, counts["/orders"])
	}
	if replay.Header.Get("Location") != first.Header.Get("Location") || replay.Header.Get("Idempotent-Replayed") != "true" || first.Header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("replayed headers %v", replay.Header)
	}
	reused := send("/orders", "k1", `{"sku":"B2","qty":1}`, nil)
	if reused.Status != 422 || errorCode(t, reused) != "IDEMPOTENCY_KEY_REUSED" || counts["/orders"] != 1 {
		t.Fatal("different payload with the same key")
	}
	if send("/orders", "k1", body, map[string]string{"X-User": "bob"}).Status != 201 || counts["/orders"] != 2 {
		t.Fatal("keys are per principal")
	}
	send("/orders", "", body, nil)
	send("/orders", "", body, nil)
	if counts["/orders"] != 4 {
		t.Fatal("no key, no storage")
	}
	other := "DELETE"
	send("/orders", "k-m", body, map[string]string{"method": other})
	send("/orders", "k-m", body, map[string]string{"method": other})
	if counts["/orders"] != 6 {
		t.Fatal("methods outside the list are not covered")
	}

	done := make(chan reply)
	go func() { done <- send("/slow", "k-slow", body, nil) }()
	<-entered
	busy := send("/slow", "k-slow", body, nil)
	if busy.Status != 409 || errorCode(t, busy) != "IDEMPOTENCY_KEY_IN_USE" || busy.Header.Get("Retry-After") != "1" {
		t.Fatalf("in progress: %d %s", busy.Status, busy.Body)
	}
	close(gate)
	if (<-done).Status != 201 || counts["/slow"] != 1 {
		t.Fatal("the slow request")
	}

	invalid := send("/invalid", "k-422", body, nil)
	if send("/invalid", "k-422", body, nil).Body != invalid.Body || counts["/invalid"] != 1 {
		t.Fatal("a 4xx is stored and replayed")
	}
	send("/fail", "k-503", body, nil)
	if again := send("/fail", "k-503", body, nil); again.Body != `{"attempt":2}` {
		t.Fatalf("a 5xx is not stored: %q", again.Body)
	}
	if send("/orders", strings.Repeat("x", o.MaxKey+1), body, nil).Status != 400 {
		t.Fatal("a key over the maximum length")
	}

	clock.Lock()
	now = now.Add(time.Duration(o.TTL)*time.Second + time.Second)
	clock.Unlock()
	before := counts["/orders"]
	fresh := send("/orders", "k1", body, nil)
	if fresh.Header.Get("Idempotent-Replayed") != "" || counts["/orders"] != before+1 {
		t.Fatal("after the TTL the key runs again")
	}
}
"""


def test_replay_conflict_reuse_and_ttl(go_module, gocache):
    go_test_variants(go_module, gocache, "idempotency-key", OPTION_SETS, SCENARIO)


def test_redis_store_is_refused_with_the_reason():
    with pytest.raises(UsageError, match="store=redis"):
        generate_middleware("idempotency-key", "go", {"store": "redis"})
