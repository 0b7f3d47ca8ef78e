"""error-envelope on Go: typed errors, validation errors, malformed bodies, panics and unmatched
routes all come back in {error: {code, message, details, request_id}}; crashes are logged, never
leaked."""

from __future__ import annotations

from tests.generate.go.gotool import go_test_variants

OPTION_SETS = [
    {},
    {
        "request_id_header": "X-Correlation-ID",
        "internal_error_message": "Something went wrong on our side",
    },
]

SCENARIO = r"""package errorenvelope

import (
	"bytes"
	"encoding/json"
	"errors"
	"log"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
)

func TestScenario(t *testing.T) {
	var o struct {
		Header   string `json:"request_id_header"`
		Internal string `json:"internal_error_message"`
	}
	loadOptions(t, &o)
	logs := &bytes.Buffer{}
	Logger = log.New(logs, "", 0)
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{"ok":true}`)) })
	mux.Handle("/users", Handle(func(w http.ResponseWriter, r *http.Request) error {
		var body map[string]interface{}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			return Malformed("The body is not valid JSON")
		}
		return Validation(Detail{"field": "email", "reason": "must be a valid email address"})
	}))
	mux.Handle("/taken", Handle(func(w http.ResponseWriter, r *http.Request) error {
		return &Error{Status: 409, Code: "ALREADY_EXISTS", Message: "Email is taken", Details: []Detail{{"field": "email"}}}
	}))
	mux.Handle("/error", Handle(func(w http.ResponseWriter, r *http.Request) error {
		return errors.New("db password=hunter2 leaked")
	}))
	mux.HandleFunc("/panic", func(w http.ResponseWriter, r *http.Request) { panic("nil map write in handler") })
	mux.Handle("/", NotFound())
	server := httptest.NewServer(Recover(mux))
	defer server.Close()

	check := func(r reply, status int, code string) map[string]interface{} {
		t.Helper()
		if r.Status != status || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			t.Fatalf("want %d json, got %d %s %q", status, r.Status, r.Header.Get("Content-Type"), r.Body)
		}
		var top map[string]map[string]interface{}
		if err := json.Unmarshal([]byte(r.Body), &top); err != nil || len(top) != 1 {
			t.Fatalf("not an envelope: %q", r.Body)
		}
		e := top["error"]
		keys := []string{}
		for k := range e {
			keys = append(keys, k)
		}
		if len(keys) != 4 || e["code"] != code || e["request_id"] != r.Header.Get(o.Header) {
			t.Fatalf("envelope %v (want code %s)", e, code)
		}
		if _, ok := e["details"].([]interface{}); !ok {
			t.Fatalf("details is not a list: %v", e["details"])
		}
		return e
	}
	missing := check(do(t, "GET", server.URL+"/nope", map[string]string{o.Header: "req-42"}, ""), 404, "NOT_FOUND")
	if missing["request_id"] != "req-42" || len(missing["details"].([]interface{})) != 0 {
		t.Fatalf("404 envelope %v", missing)
	}
	invalid := check(do(t, "POST", server.URL+"/users", nil, `{"email":"x"}`), 422, "VALIDATION_FAILED")
	want := []interface{}{map[string]interface{}{"field": "email", "reason": "must be a valid email address"}}
	if !reflect.DeepEqual(invalid["details"], want) || invalid["message"] != "Request validation failed" {
		t.Fatalf("422 envelope %v", invalid)
	}
	check(do(t, "POST", server.URL+"/users", nil, `{"email": `), 400, "MALFORMED_REQUEST")
	check(do(t, "GET", server.URL+"/taken", nil, ""), 409, "ALREADY_EXISTS")
	for _, path := range []string{"/error", "/panic"} {
		r := do(t, "GET", server.URL+path, map[string]string{o.Header: "bad id with spaces"}, "")
		e := check(r, 500, "INTERNAL")
		if e["message"] != o.Internal || e["request_id"] == "bad id with spaces" {
			t.Fatalf("500 envelope %v", e)
		}
		if strings.Contains(r.Body, "hunter2") || strings.Contains(r.Body, "nil map") {
			t.Fatal("the cause leaked to the client")
		}
	}
	if !strings.Contains(logs.String(), "hunter2") || !strings.Contains(logs.String(), "nil map write") || !strings.Contains(logs.String(), "goroutine") {
		t.Fatalf("the causes (and the panic's stack) go to the logs: %q", logs.String())
	}
	if do(t, "GET", server.URL+"/ok", nil, "").Status != 200 {
		t.Fatal("ok route")
	}
}
"""


def test_every_error_in_the_envelope(go_module, gocache):
    go_test_variants(go_module, gocache, "error-envelope", OPTION_SETS, SCENARIO)
