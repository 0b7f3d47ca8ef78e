"""cursor-pagination on Go: walking every page returns each item once in order and the last page
has next_cursor null; bad cursors are 400 INVALID_CURSOR, bad limits 422 VALIDATION_FAILED."""

from __future__ import annotations

from tests.generate.go.gotool import go_test_variants

OPTION_SETS = [{}, {"default_limit": 7, "max_limit": 10}]

SCENARIO = r"""package pagination

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

type item struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
}

func TestScenario(t *testing.T) {
	var o struct {
		Default int `json:"default_limit"`
		Max     int `json:"max_limit"`
	}
	loadOptions(t, &o)
	var items []item
	for i := 0; i < 61; i++ {
		items = append(items, item{1000 - i, fmt.Sprintf("item-%d", i)})
	}
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit, cursor, err := Params(r)
		var after struct {
			ID int `json:"id"`
		}
		if err == nil && cursor != "" {
			err = Decode(cursor, &after)
		}
		if err != nil {
			WriteError(w, r, err.(*Error))
			return
		}
		var rows []item
		for _, it := range items {
			if (cursor == "" || it.ID < after.ID) && len(rows) < limit+1 {
				rows = append(rows, it)
			}
		}
		json.NewEncoder(w).Encode(Build(rows, limit, func(it item) interface{} { return map[string]int{"id": it.ID} }))
	}))
	defer server.Close()

	var seen []int
	cursor, pages := "", 0
	for {
		u := server.URL
		if cursor != "" {
			u += "?cursor=" + cursor
		}
		r := do(t, "GET", u, nil, "")
		var page struct {
			Data       []item  `json:"data"`
			NextCursor *string `json:"next_cursor"`
			HasMore    bool    `json:"has_more"`
		}
		var raw map[string]json.RawMessage
		if r.Status != 200 || json.Unmarshal([]byte(r.Body), &page) != nil || json.Unmarshal([]byte(r.Body), &raw) != nil || len(raw) != 3 {
			t.Fatalf("page: %d %s", r.Status, r.Body)
		}
		pages++
		for _, it := range page.Data {
			seen = append(seen, it.ID)
		}
		if page.HasMore != (page.NextCursor != nil) || (page.HasMore && len(page.Data) != o.Default) {
			t.Fatalf("page shape %s", r.Body)
		}
		if !page.HasMore {
			if string(raw["next_cursor"]) != "null" {
				t.Fatal("next_cursor is null on the last page")
			}
			break
		}
		cursor = *page.NextCursor
	}
	var want []int
	for _, it := range items {
		want = append(want, it.ID)
	}
	if !reflect.DeepEqual(seen, want) || pages != (len(items)+o.Default-1)/o.Default {
		t.Fatalf("walked %d pages, %d items", pages, len(seen))
	}
	for _, bad := range []string{"0", fmt.Sprint(o.Max + 1), "abc", "-1", "2.5", ""} {
		r := do(t, "GET", server.URL+"?limit="+bad, map[string]string{"X-Request-ID": "req-1"}, "")
		if r.Status != 422 || errorCode(t, r) != "VALIDATION_FAILED" || !strings.Contains(r.Body, `"field":"limit"`) || !strings.Contains(r.Body, `"request_id":"req-1"`) {
			t.Fatalf("limit=%q: %d %s", bad, r.Status, r.Body)
		}
	}
	if r := do(t, "GET", fmt.Sprintf("%s?limit=%d", server.URL, o.Max), nil, ""); !strings.Contains(r.Body, `"has_more":true`) && o.Max < 61 {
		t.Fatal("max limit accepted")
	}
	garbage := []string{"not-base64!!", base64.RawURLEncoding.EncodeToString([]byte("[1,2]")),
		base64.RawURLEncoding.EncodeToString([]byte("nope")), base64.RawURLEncoding.EncodeToString([]byte("null")), strings.Repeat("x", 2000)}
	for _, bad := range garbage {
		r := do(t, "GET", server.URL+"?cursor="+url.QueryEscape(bad), nil, "")
		if r.Status != 400 || errorCode(t, r) != "INVALID_CURSOR" || !strings.Contains(r.Body, `"details":[]`) {
			t.Fatalf("cursor %q: %d %s", bad, r.Status, r.Body)
		}
	}
}
"""


def test_walk_pages_and_reject_bad_input(go_module, gocache):
    go_test_variants(go_module, gocache, "cursor-pagination", OPTION_SETS, SCENARIO)
