"""webhook-signature on Go: a correctly signed delivery reaches the handler once; a bad signature,
an old (or future) timestamp, a tampered body and missing headers are each 401 without running
the handler; rotation accepts either secret; a duplicate id is 200 without the handler; a
verified but malformed body is 400; a failed handler frees the id for the retry."""

from __future__ import annotations

from tests.generate.go.gotool import go_test_variants

OPTION_SETS = [
    {},
    {
        "secret_env": "PAYMENTS_WEBHOOK_SECRET",
        "tolerance_seconds": 60,
        "signature_header": "X-Signature",
        "timestamp_header": "X-Signature-Timestamp",
        "id_header": "X-Event-ID",
        "path_prefix": "/hooks/payments",
    },
]

SCENARIO = r"""package webhooksig

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestScenario(t *testing.T) {
	var o struct {
		SecretEnv string `json:"secret_env"`
		Tolerance int64  `json:"tolerance_seconds"`
		Sig       string `json:"signature_header"`
		TS        string `json:"timestamp_header"`
		ID        string `json:"id_header"`
		Prefix    string `json:"path_prefix"`
	}
	loadOptions(t, &o)
	current := "whsec_current_0123456789abcdef01234567"
	previous := "whsec_previous_0123456789abcdef0123456"
	t.Setenv(o.SecretEnv, current+","+previous)
	now := int64(1700000000)
	verifier := New()
	verifier.Now = func() time.Time { return time.Unix(now, 0) }
	logs := &bytes.Buffer{}
	verifier.Logger = log.New(logs, "", 0)
	var mu sync.Mutex
	var handled []*Event
	failNext := false
	mux := http.NewServeMux()
	mux.Handle(o.Prefix+"/", verifier.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if failNext {
			failNext = false
			w.WriteHeader(500)
			return
		}
		handled = append(handled, EventFrom(r.Context()))
		w.Write([]byte(`{"status":"accepted"}`))
	})))
	server := httptest.NewServer(mux)
	defer server.Close()

	sign := func(secret string, ts int64, body string) string {
		mac := hmac.New(sha256.New, []byte(secret))
		fmt.Fprintf(mac, "%d.%s", ts, body)
		return hex.EncodeToString(mac.Sum(nil))
	}
	type delivery struct {
		id, body, secret, signature string
		ts                          int64
	}
	deliver := func(d delivery) reply {
		if d.id == "" {
			d.id = "evt_1"
		}
		if d.body == "" {
			d.body = `{"type":"order.paid","amount":10}`
		}
		if d.secret == "" {
			d.secret = current
		}
		if d.ts == 0 {
			d.ts = now
		}
		if d.signature == "" {
			d.signature = "v1=" + sign(d.secret, d.ts, d.body)
		}
		return do(t, "POST", server.URL+o.Prefix+"/events", map[string]string{
			"Content-Type": "application/json", o.ID: d.id, o.TS: fmt.Sprint(d.ts), o.Sig: d.signature}, d.body)
	}
	unauthenticated := func(r reply, label string) {
		t.Helper()
		if r.Status != 401 || errorCode(t, r) != "UNAUTHENTICATED" || !strings.Contains(r.Body, `"message":"Invalid webhook signature"`) {
			t.Fatalf("%s: %d %s", label, r.Status, r.Body)
		}
	}

	spaced := `{ "amount": 10,   "type" : "order.paid" }`
	if r := deliver(delivery{body: spaced}); r.Status != 200 || len(handled) != 1 || string(handled[0].Raw) != spaced || handled[0].Payload["type"] != "order.paid" {
		t.Fatalf("signed delivery: %d %s", r.Status, r.Body)
	}
	body := `{"type":"order.paid","amount":10}`
	unauthenticated(deliver(delivery{id: "evt_2", signature: "v1=" + strings.Repeat("0", 64)}), "bad signature")
	unauthenticated(deliver(delivery{id: "evt_3", secret: "whsec_wrong_secret_0123456789abcdef0"}), "wrong secret")
	unauthenticated(deliver(delivery{id: "evt_4", ts: now - o.Tolerance - 1}), "old timestamp")
	unauthenticated(deliver(delivery{id: "evt_5", ts: now + o.Tolerance + 1}), "future timestamp")
	unauthenticated(deliver(delivery{id: "evt_6", signature: "v1=" + sign(current, now, body), body: strings.Replace(body, "10", "10000", 1)}), "tampered body")
	unauthenticated(deliver(delivery{id: "evt_7", signature: sign(current, now, body)}), "no v1= prefix")
	unauthenticated(do(t, "POST", server.URL+o.Prefix+"/events", nil, body), "no headers")
	if len(handled) != 1 {
		t.Fatal("a rejected delivery reached the handler")
	}
	if !strings.Contains(logs.String(), `"reason":"timestamp"`) || !strings.Contains(logs.String(), `"reason":"signature"`) {
		t.Fatalf("rejections are logged: %s", logs.String())
	}
	if deliver(delivery{id: "evt_8", ts: now - o.Tolerance}).Status != 200 {
		t.Fatal("the edge of the window is accepted")
	}
	if deliver(delivery{id: "evt_9", secret: previous}).Status != 200 {
		t.Fatal("the previous secret during rotation")
	}
	both := "v1=" + strings.Repeat("a", 64) + ", v1=" + sign(current, now, body)
	if deliver(delivery{id: "evt_10", signature: both}).Status != 200 || len(handled) != 4 {
		t.Fatal("several signatures in one header")
	}
	if dup := deliver(delivery{body: spaced}); dup.Status != 200 || dup.Body != `{"status":"duplicate"}` || len(handled) != 4 {
		t.Fatalf("duplicate: %d %s", dup.Status, dup.Body)
	}
	if r := deliver(delivery{id: "evt_11", body: "type=order.paid"}); r.Status != 400 || errorCode(t, r) != "MALFORMED_REQUEST" {
		t.Fatal("verified but not JSON")
	}
	failNext = true
	if deliver(delivery{id: "evt_12"}).Status != 500 || deliver(delivery{id: "evt_12"}).Status != 200 || len(handled) != 5 {
		t.Fatal("a failed handler frees the id for the retry")
	}
}
"""


def test_signature_timestamp_body_and_dedupe(go_module, gocache):
    go_test_variants(go_module, gocache, "webhook-signature", OPTION_SETS, SCENARIO)
