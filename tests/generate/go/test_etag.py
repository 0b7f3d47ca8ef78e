"""etag on Go: strong ETag from the body hash, 304 without a body on a match (lists and W/
included), 200 when the body changed, no ETag above the size limit, Cache-Control as configured."""

from __future__ import annotations

from tests.generate.go.gotool import go_test_variants

OPTION_SETS = [
    {},
    {"cache_control": "private, no-store", "max_body_bytes": 2048},
    {"cache_control": "none"},
]

SCENARIO = r"""package etag

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

func TestScenario(t *testing.T) {
	var o struct {
		CacheControl string `json:"cache_control"`
		Max          int    `json:"max_body_bytes"`
	}
	loadOptions(t, &o)
	var version atomic.Int32
	version.Store(1)
	mux := http.NewServeMux()
	mux.HandleFunc("/item", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":1,"version":%d}`, version.Load())
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(strings.Repeat("x", o.Max/2)))
		w.Write([]byte(strings.Repeat("y", o.Max/2+1)))
	})
	mux.HandleFunc("/missing", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	server := httptest.NewServer(Middleware(mux))
	defer server.Close()

	first := do(t, "GET", server.URL+"/item", nil, "")
	sum := sha256.Sum256([]byte(first.Body))
	tag := `"` + base64.RawURLEncoding.EncodeToString(sum[:]) + `"`
	if first.Header.Get("ETag") != tag {
		t.Fatalf("ETag %q, want the strong hash %q", first.Header.Get("ETag"), tag)
	}
	wantCC := o.CacheControl
	if wantCC == "none" {
		wantCC = ""
	}
	if first.Header.Get("Cache-Control") != wantCC {
		t.Fatalf("Cache-Control %q", first.Header.Get("Cache-Control"))
	}
	for _, inm := range []string{tag, `"other", ` + tag, "W/" + tag, "*"} {
		same := do(t, "GET", server.URL+"/item", map[string]string{"If-None-Match": inm}, "")
		if same.Status != 304 || same.Body != "" || same.Header.Get("ETag") != tag {
			t.Fatalf("If-None-Match %s: %d %q", inm, same.Status, same.Body)
		}
	}
	if other := do(t, "GET", server.URL+"/item", map[string]string{"If-None-Match": `"other"`}, ""); other.Status != 200 {
		t.Fatal("a different tag gets the body")
	}
	version.Store(2)
	changed := do(t, "GET", server.URL+"/item", map[string]string{"If-None-Match": tag}, "")
	if changed.Status != 200 || changed.Header.Get("ETag") == tag || !strings.Contains(changed.Body, `"version":2`) {
		t.Fatal("changed body")
	}
	big := do(t, "GET", server.URL+"/big", nil, "")
	if big.Status != 200 || big.Header.Get("ETag") != "" || len(big.Body) != o.Max+1 {
		t.Fatalf("big body: %d etag %q len %d", big.Status, big.Header.Get("ETag"), len(big.Body))
	}
	if missing := do(t, "GET", server.URL+"/missing", nil, ""); missing.Status != 404 || missing.Header.Get("ETag") != "" {
		t.Fatal("errors get no ETag")
	}
	if post := do(t, "POST", server.URL+"/item", nil, ""); post.Header.Get("ETag") != "" {
		t.Fatal("only GET/HEAD")
	}
}
"""


def test_strong_etag_and_conditional_get(go_module, gocache):
    go_test_variants(go_module, gocache, "etag", OPTION_SETS, SCENARIO)
