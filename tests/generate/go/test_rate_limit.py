"""rate-limit on Go (memory store): the request over the limit gets 429 with the right
Retry-After and RateLimit-* headers; the window/bucket frees up on time; a spoofed
X-Forwarded-For from an untrusted peer does not change the key, a trusted proxy's does.
store=redis is refused (no Redis client in the standard library)."""

from __future__ import annotations

import pytest

from backend_skill.errors import UsageError
from backend_skill.generate import generate_middleware
from tests.generate.go.gotool import go_test_variants

OPTION_SETS = [
    {},
    {
        "limit": 5,
        "window_seconds": 60,
        "trusted_proxies": ["127.0.0.0/8"],
        "exempt_paths": ["/ping"],
    },
    {
        "algorithm": "token-bucket",
        "limit": 5,
        "window_seconds": 10,
        "trusted_proxies": ["127.0.0.1", "10.0.0.0/8"],
    },
]

SCENARIO = r"""package ratelimit

import (
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"
)

func TestScenario(t *testing.T) {
	var o struct {
		Algorithm string   `json:"algorithm"`
		Limit     int      `json:"limit"`
		Window    int      `json:"window_seconds"`
		Trusted   []string `json:"trusted_proxies"`
		Exempt    []string `json:"exempt_paths"`
	}
	loadOptions(t, &o)
	bucket := o.Algorithm == "token-bucket"
	window := time.Duration(o.Window) * time.Second
	now := time.Unix(1700000000, 0)
	limiter := New()
	limiter.Now = func() time.Time { return now }
	limiter.KeyOf = func(r *http.Request) string { return r.Header.Get("X-Account") }
	handled := 0
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { handled++; w.Write([]byte("[]")) })
	server := httptest.NewServer(limiter.Middleware(mux))
	defer server.Close()
	get := func(headers map[string]string) reply { return do(t, "GET", server.URL+"/items", headers, "") }
	account := map[string]string{"X-Account": "a"}

	step := time.Duration(0)
	if !bucket {
		step = window / time.Duration(2*o.Limit)
	}
	start := now
	for i := 0; i < o.Limit; i++ {
		r := get(account)
		if r.Status != 200 || r.Header.Get("RateLimit-Limit") != strconv.Itoa(o.Limit) || r.Header.Get("RateLimit-Remaining") != strconv.Itoa(o.Limit-i-1) {
			t.Fatalf("request %d: %d %v", i+1, r.Status, r.Header)
		}
		now = now.Add(step)
	}
	limited := get(account)
	if limited.Status != 429 || handled != o.Limit {
		t.Fatalf("over the limit: %d (handled %d)", limited.Status, handled)
	}
	var retry int
	if bucket {
		retry = int(math.Ceil(window.Seconds() / float64(o.Limit)))
	} else {
		retry = int(math.Ceil(start.Add(window).Sub(now).Seconds()))
	}
	if limited.Header.Get("Retry-After") != strconv.Itoa(retry) || limited.Header.Get("RateLimit-Remaining") != "0" {
		t.Fatalf("Retry-After %q, want %d", limited.Header.Get("Retry-After"), retry)
	}
	if reset, _ := strconv.Atoi(limited.Header.Get("RateLimit-Reset")); reset < retry {
		t.Fatalf("RateLimit-Reset %d < Retry-After %d", reset, retry)
	}
	if errorCode(t, limited) != "RATE_LIMITED" {
		t.Fatal("envelope code")
	}
	if get(map[string]string{"X-Account": "b"}).Status != 200 {
		t.Fatal("another key is independent")
	}
	for _, path := range o.Exempt {
		if do(t, "GET", server.URL+path, nil, "").Status != 200 {
			t.Fatalf("%s is exempt", path)
		}
	}

	spoofed := get(map[string]string{"X-Account": "a", "X-Forwarded-For": "203.0.113.9"})
	if len(o.Trusted) == 0 {
		if spoofed.Status != 429 {
			t.Fatal("a spoofed X-Forwarded-For from an untrusted peer changed the key")
		}
	} else {
		if spoofed.Status != 200 {
			t.Fatal("behind a trusted proxy each client has its own key")
		}
		for i := 1; i < o.Limit; i++ {
			get(map[string]string{"X-Account": "a", "X-Forwarded-For": "203.0.113.9"})
		}
		forged := get(map[string]string{"X-Account": "a", "X-Forwarded-For": fmt.Sprintf("198.51.100.%d, 203.0.113.9", now.Nanosecond()%200)})
		if forged.Status != 429 {
			t.Fatal("a forged left-most entry changed the key")
		}
		for _, network := range o.Trusted {
			if network == "10.0.0.0/8" {
				if get(map[string]string{"X-Account": "a", "X-Forwarded-For": "203.0.113.9, 10.1.2.3"}).Status != 429 {
					t.Fatal("trusted hops are skipped from the right")
				}
			}
		}
	}

	now = now.Add(time.Duration(retry) * time.Second)
	if get(account).Status != 200 {
		t.Fatal("free again after Retry-After")
	}
	if get(account).Status != 429 {
		t.Fatal("exactly one slot came free")
	}
}
"""


def test_limit_retry_after_and_forwarded_for(go_module, gocache):
    go_test_variants(go_module, gocache, "rate-limit", OPTION_SETS, SCENARIO)


@pytest.mark.parametrize("middleware", ["rate-limit"])
def test_redis_store_is_refused_with_the_reason(middleware):
    with pytest.raises(UsageError, match="store=redis"):
        generate_middleware(middleware, "go", {"store": "redis"})
