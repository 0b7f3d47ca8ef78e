"""security-headers on Go: the six headers with the configured values on 200, 404 and 500."""

from __future__ import annotations

from tests.generate.go.gotool import go_test_variants

OPTION_SETS = [
    {},
    {
        "hsts_max_age": 31536000,
        "hsts_include_subdomains": False,
        "hsts_preload": True,
        "content_security_policy": "default-src 'self'",
        "frame_options": "SAMEORIGIN",
        "referrer_policy": "no-referrer",
        "permissions_policy": "camera=()",
    },
]

SCENARIO = r"""package secheaders

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestScenario(t *testing.T) {
	var o struct {
		MaxAge     int    `json:"hsts_max_age"`
		Subdomains bool   `json:"hsts_include_subdomains"`
		Preload    bool   `json:"hsts_preload"`
		CSP        string `json:"content_security_policy"`
		Frame      string `json:"frame_options"`
		Referrer   string `json:"referrer_policy"`
		Perms      string `json:"permissions_policy"`
	}
	loadOptions(t, &o)
	hsts := fmt.Sprintf("max-age=%d", o.MaxAge)
	if o.Subdomains {
		hsts += "; includeSubDomains"
	}
	if o.Preload {
		hsts += "; preload"
	}
	want := map[string]string{
		"Strict-Transport-Security": hsts, "Content-Security-Policy": o.CSP, "X-Content-Type-Options": "nosniff",
		"X-Frame-Options": o.Frame, "Referrer-Policy": o.Referrer, "Permissions-Policy": o.Perms,
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("{}")) })
	mux.HandleFunc("/boom", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", 500) })
	server := httptest.NewServer(Middleware(mux))
	defer server.Close()
	for _, path := range []string{"/ok", "/missing", "/boom"} {
		r := do(t, "GET", server.URL+path, nil, "")
		for name, value := range want {
			if got := r.Header.Get(name); got != value {
				t.Errorf("%s on %s: %q, want %q", name, path, got, value)
			}
		}
	}
}
"""


def test_six_headers_on_every_response(go_module, gocache):
    go_test_variants(go_module, gocache, "security-headers", OPTION_SETS, SCENARIO)
