"""red-metrics on Go (Prometheus text format by hand): counter and histogram with the documented
names, labels and buckets; the route label is the template (never the raw path); excluded paths
are not counted; the exposition parses line by line."""

from __future__ import annotations

from tests.generate.go.gotool import go_test_variants

OPTION_SETS = [
    {},
    {
        "metrics_path": "/internal/metrics",
        "buckets": [0.01, 0.1, 1],
        "exclude_paths": ["/internal/metrics", "/ping"],
    },
]

SCENARIO = r"""package redmetrics

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestScenario(t *testing.T) {
	var o struct {
		Path    string    `json:"metrics_path"`
		Buckets []float64 `json:"buckets"`
		Exclude []string  `json:"exclude_paths"`
	}
	loadOptions(t, &o)
	mux := http.NewServeMux()
	metrics := New(mux)
	mux.Handle(o.Path, metrics.Handler())
	mux.Handle("/v1/users/", Route("/v1/users/{id}", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/orders") {
			w.WriteHeader(422)
		}
	})))
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) { time.Sleep(30 * time.Millisecond) })
	for _, path := range o.Exclude {
		if path != o.Path {
			mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {})
		}
	}
	server := httptest.NewServer(metrics.Middleware(mux))
	defer server.Close()
	for _, id := range []string{"1", "2", "3"} {
		do(t, "GET", server.URL+"/v1/users/"+id, nil, "")
	}
	do(t, "POST", server.URL+"/v1/users/9/orders", nil, "")
	do(t, "GET", server.URL+"/slow", nil, "")
	do(t, "GET", server.URL+"/no/such/path/123", nil, "")
	do(t, "GET", server.URL+"/v1/users/"+`a"b`, nil, "")
	for _, path := range o.Exclude {
		do(t, "GET", server.URL+path, nil, "")
	}
	scrape := do(t, "GET", server.URL+o.Path, nil, "")
	text := scrape.Body
	if scrape.Status != 200 || !strings.HasPrefix(scrape.Header.Get("Content-Type"), "text/plain; version=0.0.4") {
		t.Fatalf("scrape %d %s", scrape.Status, scrape.Header.Get("Content-Type"))
	}
	has := func(pattern string) bool { return regexp.MustCompile(`(?m)` + pattern).MatchString(text) }
	for _, pattern := range []string{
		`^# TYPE http_requests_total counter$`,
		`^# TYPE http_request_duration_seconds histogram$`,
		`^http_requests_total\{method="GET",route="/v1/users/\{id\}",status="200"\} 4$`,
		`^http_requests_total\{method="POST",route="/v1/users/\{id\}",status="422"\} 1$`,
		`^http_requests_total\{method="GET",route="unmatched",status="404"\} 1$`,
		`^http_request_duration_seconds_count\{method="GET",route="/v1/users/\{id\}"\} 4$`,
	} {
		if !has(pattern) {
			t.Fatalf("missing %s in\n%s", pattern, text)
		}
	}
	if has(`route="/v1/users/[0-9]`) || has(`route="/no/such`) {
		t.Fatal("raw paths in labels")
	}
	for _, path := range o.Exclude {
		if strings.Contains(text, `route="`+path+`"`) {
			t.Fatalf("%s is counted", path)
		}
	}
	bucket := regexp.MustCompile(`(?m)^http_request_duration_seconds_bucket\{method="GET",route="/v1/users/\{id\}",le="([^"]+)"\} (\d+)$`)
	matches := bucket.FindAllStringSubmatch(text, -1)
	if len(matches) != len(o.Buckets)+1 || matches[len(matches)-1][1] != "+Inf" || matches[len(matches)-1][2] != "4" {
		t.Fatalf("buckets %v", matches)
	}
	previous := 0
	for i, m := range matches[:len(o.Buckets)] {
		le, _ := strconv.ParseFloat(m[1], 64)
		n, _ := strconv.Atoi(m[2])
		if le != o.Buckets[i] || n < previous {
			t.Fatalf("bucket %d: le %s count %d", i, m[1], n)
		}
		previous = n
	}
	sum := regexp.MustCompile(`(?m)^http_request_duration_seconds_sum\{method="GET",route="/slow"\} (\S+)$`).FindStringSubmatch(text)
	if seconds, _ := strconv.ParseFloat(sum[1], 64); seconds < 0.025 || seconds > 5 {
		t.Fatalf("duration in seconds: %v", sum)
	}
	line := regexp.MustCompile(`^(# (HELP|TYPE) .+|[a-z_]+\{([a-z]+="([^"\\]|\\.)*",?)+\} [0-9.e+-]+)$`)
	for _, l := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if !line.MatchString(l) {
			t.Fatalf("not exposition format: %q", l)
		}
	}
}
"""


def test_counter_histogram_route_template(go_module, gocache):
    go_test_variants(go_module, gocache, "red-metrics", OPTION_SETS, SCENARIO)
