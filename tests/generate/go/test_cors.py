"""cors on Go: listed origins pass (preflight 204 with methods and max-age), others and suffix
tricks get no CORS headers, '*' without credentials."""

from __future__ import annotations

from tests.generate.go.gotool import go_test_variants

OPTION_SETS = [
    {},
    {
        "allow_origins": ["https://a.example", "http://localhost:3000"],
        "allow_credentials": True,
        "allow_methods": ["GET", "POST"],
        "allow_headers": ["Content-Type"],
        "expose_headers": ["X-Request-ID", "ETag"],
        "max_age": 120,
    },
    {"allow_origins": ["*"]},
]

SCENARIO = r"""package cors

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

func TestScenario(t *testing.T) {
	var o struct {
		Origins     []string `json:"allow_origins"`
		Credentials bool     `json:"allow_credentials"`
		Methods     []string `json:"allow_methods"`
		Headers     []string `json:"allow_headers"`
		Expose      []string `json:"expose_headers"`
		MaxAge      int      `json:"max_age"`
	}
	loadOptions(t, &o)
	calls := 0
	server := httptest.NewServer(Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		w.Write([]byte("[]"))
	})))
	defer server.Close()
	star := o.Origins[0] == "*"
	credentials := ""
	if o.Credentials {
		credentials = "true"
	}
	for _, origin := range o.Origins {
		if star {
			break
		}
		simple := do(t, "GET", server.URL+"/items", map[string]string{"Origin": origin}, "")
		if simple.Header.Get("Access-Control-Allow-Origin") != origin || !strings.Contains(simple.Header.Get("Vary"), "Origin") {
			t.Fatalf("simple request from %s: %v", origin, simple.Header)
		}
		if simple.Header.Get("Access-Control-Allow-Credentials") != credentials {
			t.Fatal("credentials header")
		}
		if simple.Header.Get("Access-Control-Expose-Headers") != strings.Join(o.Expose, ",") {
			t.Fatal("expose headers")
		}
		pre := do(t, "OPTIONS", server.URL+"/items", map[string]string{"Origin": origin, "Access-Control-Request-Method": "POST"}, "")
		if pre.Status != 204 || pre.Header.Get("Access-Control-Allow-Origin") != origin ||
			pre.Header.Get("Access-Control-Max-Age") != strconv.Itoa(o.MaxAge) ||
			pre.Header.Get("Access-Control-Allow-Methods") != strings.Join(o.Methods, ",") ||
			pre.Header.Get("Access-Control-Allow-Headers") != strings.Join(o.Headers, ",") {
			t.Fatalf("preflight from %s: %d %v", origin, pre.Status, pre.Header)
		}
	}
	before := calls
	evil := do(t, "GET", server.URL+"/items", map[string]string{"Origin": "https://evil.example"}, "")
	if star {
		if evil.Header.Get("Access-Control-Allow-Origin") != "*" || evil.Header.Get("Access-Control-Allow-Credentials") != "" {
			t.Fatalf("star: %v", evil.Header)
		}
		return
	}
	if evil.Header.Get("Access-Control-Allow-Origin") != "" || calls != before+1 {
		t.Fatalf("unlisted origin got CORS headers: %v", evil.Header)
	}
	suffix := do(t, "GET", server.URL+"/items", map[string]string{"Origin": o.Origins[0] + ".evil.example"}, "")
	if suffix.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatal("suffix trick passed")
	}
	pre := do(t, "OPTIONS", server.URL+"/items", map[string]string{"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}, "")
	if pre.Header.Get("Access-Control-Allow-Origin") != "" || pre.Header.Get("Access-Control-Allow-Methods") != "" {
		t.Fatal("preflight of an unlisted origin answered with CORS headers")
	}
}
"""


def test_allow_list(go_module, gocache):
    go_test_variants(go_module, gocache, "cors", OPTION_SETS, SCENARIO)
