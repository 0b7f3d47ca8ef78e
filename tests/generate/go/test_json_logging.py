"""json-logging on Go: JSON lines with the documented fields, bound to the request's id and
trace, one access line per request with the route, secrets redacted at any depth, level honoured."""

from __future__ import annotations

from tests.generate.go.gotool import go_test_variants

OPTION_SETS = [
    {},
    {
        "service_name": "orders-api",
        "level": "WARNING",
        "logger_name": "orders",
        "request_id_header": "X-Correlation-ID",
        "redact_fields": ["pin", "password"],
    },
]

SCENARIO = r"""package jsonlog

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.buf.Write(p) }
func (s *syncBuffer) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.buf.String() }

func TestScenario(t *testing.T) {
	var o struct {
		Service string   `json:"service_name"`
		Level   string   `json:"level"`
		Header  string   `json:"request_id_header"`
		Redact  []string `json:"redact_fields"`
	}
	loadOptions(t, &o)
	out := &syncBuffer{}
	logger := New(out)
	mux := http.NewServeMux()
	mux.HandleFunc("/users/", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(2 * time.Millisecond)
		fields := Fields{"user_id": strings.TrimPrefix(r.URL.Path, "/users/"), "nested": map[string]interface{}{}}
		for _, name := range o.Redact {
			fields[name] = "sensitive-value"
			fields["nested"].(map[string]interface{})[strings.ToUpper(name)] = "sensitive-value"
		}
		logger.Debug(r.Context(), "debug detail", nil)
		logger.Warn(r.Context(), "user read", fields)
		w.Write([]byte("{}"))
	})
	mux.HandleFunc("/fail", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) })
	route := func(r *http.Request) string { _, pattern := mux.Handler(r); return pattern }
	server := httptest.NewServer(logger.Middleware(mux, route))
	defer server.Close()

	traceID, parentID := "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
	r := do(t, "GET", server.URL+"/users/42", map[string]string{o.Header: "req-abc", "traceparent": "00-" + traceID + "-" + parentID + "-01"}, "")
	if r.Header.Get(o.Header) != "req-abc" {
		t.Fatal("request id echoed")
	}
	do(t, "GET", server.URL+"/fail", nil, "")
	timestamp := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$`)
	var records []map[string]interface{}
	for _, line := range strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n") {
		var record map[string]interface{}
		if err := json.Unmarshal([]byte(line), &record); err != nil {
			t.Fatalf("not a JSON line: %q", line)
		}
		for _, key := range []string{"timestamp", "level", "message", "service", "request_id", "trace_id", "span_id"} {
			if _, ok := record[key]; !ok {
				t.Fatalf("%s missing in %s", key, line)
			}
		}
		if !timestamp.MatchString(record["timestamp"].(string)) || record["service"] != o.Service {
			t.Fatalf("timestamp/service in %s", line)
		}
		records = append(records, record)
	}
	find := func(message string, status float64) map[string]interface{} {
		for _, record := range records {
			if record["message"] == message && (status == 0 || record["status"] == status) {
				return record
			}
		}
		return nil
	}
	user := find("user read", 0)
	if user == nil || user["level"] != "WARNING" || user["request_id"] != "req-abc" || user["trace_id"] != traceID || user["span_id"] != parentID || user["user_id"] != "42" {
		t.Fatalf("handler line %v", user)
	}
	if strings.Contains(out.String(), "sensitive-value") {
		t.Fatal("a configured field was not redacted")
	}
	if find("debug detail", 0) != nil {
		t.Fatal("DEBUG is below the level")
	}
	if failed := find("request", 503); failed == nil || failed["level"] != "ERROR" {
		t.Fatal("5xx access line at ERROR")
	}
	ok := find("request", 200)
	if o.Level == "INFO" {
		if ok == nil || ok["route"] != "/users/" || ok["request_id"] != "req-abc" || ok["method"] != "GET" {
			t.Fatalf("access line %v", ok)
		}
		if _, isNumber := ok["duration_ms"].(float64); !isNumber {
			t.Fatal("duration_ms")
		}
	} else if ok != nil {
		t.Fatal("INFO access lines are below WARNING")
	}
	logger.Error(context.Background(), "background job", nil)
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	var last map[string]interface{}
	json.Unmarshal([]byte(lines[len(lines)-1]), &last)
	if last["request_id"] != nil {
		t.Fatal("no request id outside a request")
	}
	minted := do(t, "GET", server.URL+"/users/1", map[string]string{o.Header: "bad id"}, "")
	if got := minted.Header.Get(o.Header); got == "bad id" || !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(got) {
		t.Fatalf("unsafe inbound id replaced: %q", got)
	}
}
"""


def test_json_lines_bound_to_the_request(go_module, gocache):
    go_test_variants(go_module, gocache, "json-logging", OPTION_SETS, SCENARIO)
