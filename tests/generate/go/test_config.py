"""config on Go: typed values from the environment, defaults, every problem listed at once (values
never echoed), secrets masked in fmt and JSON."""

from __future__ import annotations

from tests.generate.go.gotool import go_test_variants

OPTION_SETS = [
    {},
    {
        "env_prefix": "SVC_",
        "fields": [
            {"name": "api_url", "type": "url", "required": True},
            {"name": "ratio", "type": "float", "default": 0.5},
            {"name": "signing_key", "type": "secret", "required": True},
            {"name": "workers", "type": "int", "default": 4},
            {"name": "region", "type": "str", "default": "eu-west-1"},
            {"name": "verbose", "type": "bool", "default": True},
        ],
    },
]

SCENARIO = r"""package config

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

type field struct {
	Name     string      `json:"name"`
	Type     string      `json:"type"`
	Required bool        `json:"required"`
	Default  interface{} `json:"default"`
}

func goName(name string) string {
	out := ""
	for _, part := range strings.Split(name, "_") {
		if part != "" {
			out += strings.ToUpper(part[:1]) + strings.ToLower(part[1:])
		}
	}
	return out
}

func TestScenario(t *testing.T) {
	var o struct {
		Prefix string  `json:"env_prefix"`
		Fields []field `json:"fields"`
	}
	loadOptions(t, &o)
	good := map[string]string{"str": "hello", "int": "42", "float": "2.5", "bool": "yes", "url": "https://api.example.com/v1", "secret": "s3cr3t-value"}
	typed := map[string]interface{}{"str": "hello", "int": int64(42), "float": 2.5, "bool": true, "url": "https://api.example.com/v1"}
	bad := map[string]string{"int": "4x", "float": "abc", "bool": "maybe", "url": "not a url"}
	env := func(values map[string]string) func(string) (string, bool) {
		return func(name string) (string, bool) { v, ok := values[name]; return v, ok }
	}
	envName := func(f field) string { return o.Prefix + strings.ToUpper(f.Name) }

	all := map[string]string{}
	for _, f := range o.Fields {
		all[envName(f)] = good[f.Type]
	}
	c, err := Load(env(all))
	if err != nil {
		t.Fatal(err)
	}
	value := reflect.ValueOf(*c)
	for _, f := range o.Fields {
		got := value.FieldByName(goName(f.Name)).Interface()
		if f.Type == "secret" {
			s := got.(Secret)
			if s.Reveal() != "s3cr3t-value" {
				t.Fatal("secret value")
			}
			encoded, _ := json.Marshal(c)
			for _, text := range []string{string(encoded), fmt.Sprintf("%v", c), fmt.Sprintf("%+v", *c), fmt.Sprintf("%#v", *c), fmt.Sprint(s)} {
				if strings.Contains(text, "s3cr3t-value") {
					t.Fatalf("secret printed: %s", text)
				}
			}
		} else if !reflect.DeepEqual(got, typed[f.Type]) {
			t.Fatalf("%s = %#v, want %#v", f.Name, got, typed[f.Type])
		}
	}

	minimal := map[string]string{}
	for _, f := range o.Fields {
		if f.Required {
			minimal[envName(f)] = good[f.Type]
		}
	}
	c, err = Load(env(minimal))
	if err != nil {
		t.Fatal(err)
	}
	value = reflect.ValueOf(*c)
	for _, f := range o.Fields {
		if f.Required {
			continue
		}
		got := fmt.Sprint(value.FieldByName(goName(f.Name)).Interface())
		if got != fmt.Sprint(f.Default) {
			t.Fatalf("default of %s: %s, want %v", f.Name, got, f.Default)
		}
	}

	broken := map[string]string{}
	var expected []string
	for _, f := range o.Fields {
		if f.Required {
			expected = append(expected, envName(f))
		} else if b, ok := bad[f.Type]; ok {
			broken[envName(f)] = b
			expected = append(expected, envName(f))
		}
	}
	_, err = Load(env(broken))
	problems, ok := err.(*Error)
	if !ok || len(problems.Problems) != len(expected) {
		t.Fatalf("problems %v, want one for each of %v", err, expected)
	}
	for i, name := range expected {
		if !strings.HasPrefix(problems.Problems[i], name+": ") {
			t.Fatalf("problem %d = %q, want %s", i, problems.Problems[i], name)
		}
	}
	for _, b := range bad {
		if strings.Contains(err.Error(), b) {
			t.Fatal("values are not echoed")
		}
	}
}
"""


def test_typed_validated_all_problems_listed(go_module, gocache):
    go_test_variants(go_module, gocache, "config", OPTION_SETS, SCENARIO)
