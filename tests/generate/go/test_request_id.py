"""request-id on Go: minted UUID4, accepted when safe, replaced when not, echoed, in the context."""

from __future__ import annotations

from tests.generate.go.gotool import go_test_variants

OPTION_SETS = [{}, {"header_name": "X-Correlation-ID", "max_length": 16}, {"trust_inbound": False}]

SCENARIO = r"""package requestid

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func TestScenario(t *testing.T) {
	var opts struct {
		HeaderName   string `json:"header_name"`
		MaxLength    int    `json:"max_length"`
		TrustInbound bool   `json:"trust_inbound"`
	}
	loadOptions(t, &opts)
	uuid4 := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	server := httptest.NewServer(Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(FromContext(r.Context())))
	})))
	defer server.Close()
	get := func(inbound string) (string, string) {
		headers := map[string]string{}
		if inbound != "" {
			headers[opts.HeaderName] = inbound
		}
		r := do(t, "GET", server.URL, headers, "")
		return r.Header.Get(opts.HeaderName), r.Body
	}
	echoed, seen := get("")
	if !uuid4.MatchString(echoed) || seen != echoed {
		t.Fatalf("minted %q, handler saw %q", echoed, seen)
	}
	echoed, seen = get("abc-123.X_y")
	if opts.TrustInbound && (echoed != "abc-123.X_y" || seen != echoed) {
		t.Fatalf("safe inbound id not kept: %q %q", echoed, seen)
	}
	if !opts.TrustInbound && echoed == "abc-123.X_y" {
		t.Fatal("inbound id used although trust_inbound is false")
	}
	for _, bad := range []string{"has space", "semi;colon", strings.Repeat("x", opts.MaxLength+1)} {
		echoed, _ = get(bad)
		if echoed == bad || !uuid4.MatchString(echoed) {
			t.Fatalf("bad id %q answered with %q", bad, echoed)
		}
	}
	if FromContext(httptest.NewRequest("GET", "/", nil).Context()) != "" {
		t.Fatal("id outside a request")
	}
}
"""


def test_minted_accepted_and_rejected_ids(go_module, gocache):
    go_test_variants(go_module, gocache, "request-id", OPTION_SETS, SCENARIO)
