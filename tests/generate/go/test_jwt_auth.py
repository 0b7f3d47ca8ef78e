"""jwt-auth on Go (standard library crypto): valid tokens pass for every algorithm family;
missing, expired, wrong audience or issuer, alg=none, tampered, HMAC-with-the-public-key and
exp-less tokens are 401 with WWW-Authenticate; a missing scope is 403; exempt paths need no
token."""

from __future__ import annotations

from tests.generate.go.gotool import go_test_variants

OPTION_SETS = [
    {},
    {
        "algorithms": ["HS256"],
        "key_env": "API_JWT_SECRET",
        "audience": "https://api.example.com",
        "issuer": "https://login.example.com/",
        "leeway_seconds": 0,
        "scope_claim": "scp",
        "exempt_paths": ["/public"],
    },
    {"algorithms": ["ES256"], "leeway_seconds": 60},
    {"algorithms": ["PS256", "RS512"]},
    {"algorithms": ["EdDSA"]},
    {"algorithms": ["HS512", "HS384"]},
]

SCENARIO = r"""package jwtauth

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"hash"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestScenario(t *testing.T) {
	var o struct {
		Algorithms []string `json:"algorithms"`
		KeyEnv     string   `json:"key_env"`
		Audience   string   `json:"audience"`
		Issuer     string   `json:"issuer"`
		Leeway     int64    `json:"leeway_seconds"`
		ScopeClaim string   `json:"scope_claim"`
		Exempt     []string `json:"exempt_paths"`
	}
	loadOptions(t, &o)
	alg := o.Algorithms[0]
	var sign func(alg string, data []byte) []byte
	publicPEM := ""
	secret := []byte(strings.Repeat("k", 48))
	hmacSign := func(alg string, data []byte) []byte {
		newHash := map[string]func() hash.Hash{"HS256": sha256.New, "HS384": sha512.New384, "HS512": sha512.New}[alg]
		mac := hmac.New(newHash, secret)
		mac.Write(data)
		return mac.Sum(nil)
	}
	digest := func(data []byte) []byte { sum := sha256.Sum256(data); return sum[:] }
	var public interface{}
	switch alg[:2] {
	case "HS":
		t.Setenv(o.KeyEnv, string(secret))
		sign = hmacSign
	case "RS", "PS":
		key, _ := rsa.GenerateKey(rand.Reader, 2048)
		public = &key.PublicKey
		sign = func(alg string, data []byte) []byte {
			if alg == "PS256" {
				sig, _ := rsa.SignPSS(rand.Reader, key, crypto.SHA256, digest(data), &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
				return sig
			}
			sum := sha512.Sum512(data)
			sig, _ := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA512, sum[:])
			if alg == "RS256" {
				sig, _ = rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest(data))
			}
			return sig
		}
	case "ES":
		key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		public = &key.PublicKey
		sign = func(alg string, data []byte) []byte {
			r, s, _ := ecdsa.Sign(rand.Reader, key, digest(data))
			out := make([]byte, 64)
			r.FillBytes(out[:32])
			s.FillBytes(out[32:])
			return out
		}
	case "Ed":
		pub, key, _ := ed25519.GenerateKey(rand.Reader)
		public = pub
		sign = func(alg string, data []byte) []byte { return ed25519.Sign(key, data) }
	}
	if public != nil {
		der, _ := x509.MarshalPKIXPublicKey(public)
		publicPEM = string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
		t.Setenv(o.KeyEnv, publicPEM)
	}
	now := time.Now().Unix()
	scopes := func(list ...string) interface{} {
		if o.ScopeClaim == "scp" {
			return list
		}
		return strings.Join(list, " ")
	}
	b64 := func(v interface{}) string { data, _ := json.Marshal(v); return base64.RawURLEncoding.EncodeToString(data) }
	token := func(overrides map[string]interface{}, signAlg string, signer func(string, []byte) []byte) string {
		claims := map[string]interface{}{"sub": "user-1", "aud": o.Audience, "iss": o.Issuer, "iat": now, "exp": now + 600, o.ScopeClaim: scopes("orders:read")}
		for k, v := range overrides {
			if v == nil {
				delete(claims, k)
			} else {
				claims[k] = v
			}
		}
		signed := b64(map[string]string{"alg": signAlg, "typ": "JWT"}) + "." + b64(claims)
		return signed + "." + base64.RawURLEncoding.EncodeToString(signer(signAlg, []byte(signed)))
	}
	good := func(overrides map[string]interface{}) string { return token(overrides, alg, sign) }

	verifier, err := New()
	if err != nil {
		t.Fatal(err)
	}
	handled := 0
	mux := http.NewServeMux()
	mux.Handle("/orders", RequireScope(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handled++
		w.Write([]byte(ClaimsFrom(r.Context())["sub"].(string)))
	}), "orders:read"))
	mux.Handle("/orders/write", RequireScope(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(201) }), "orders:read", "orders:write"))
	for _, path := range o.Exempt {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
	}
	server := httptest.NewServer(verifier.Middleware(mux))
	defer server.Close()
	get := func(path, auth string) reply {
		headers := map[string]string{}
		if auth != "" {
			headers["Authorization"] = auth
		}
		return do(t, "GET", server.URL+path, headers, "")
	}
	if r := get("/orders", "Bearer "+good(nil)); r.Status != 200 || r.Body != "user-1" {
		t.Fatalf("valid token: %d %s", r.Status, r.Body)
	}
	rejected := func(r reply, label string, hadToken bool) {
		t.Helper()
		want := "Bearer"
		if hadToken {
			want = `Bearer error="invalid_token"`
		}
		if r.Status != 401 || errorCode(t, r) != "UNAUTHENTICATED" || r.Header.Get("WWW-Authenticate") != want || !strings.Contains(r.Body, `"message":"Authentication required"`) {
			t.Fatalf("%s: %d %s %q", label, r.Status, r.Body, r.Header.Get("WWW-Authenticate"))
		}
	}
	rejected(get("/orders", ""), "no token", false)
	rejected(get("/orders", "Basic dXNlcjpwYXNz"), "not bearer", false)
	rejected(get("/orders", "Bearer "+good(map[string]interface{}{"exp": now - o.Leeway - 5})), "expired", true)
	accepted := 1
	if o.Leeway >= 10 {
		if get("/orders", "Bearer "+good(map[string]interface{}{"exp": now - 5})).Status != 200 {
			t.Fatal("within the leeway")
		}
		accepted++
	}
	rejected(get("/orders", "Bearer "+good(map[string]interface{}{"aud": "other-api"})), "audience", true)
	if get("/orders", "Bearer "+good(map[string]interface{}{"aud": []string{"other", o.Audience}})).Status != 200 {
		t.Fatal("audience list containing ours")
	}
	accepted++
	rejected(get("/orders", "Bearer "+good(map[string]interface{}{"iss": "https://evil.example/"})), "issuer", true)
	rejected(get("/orders", "Bearer "+good(map[string]interface{}{"exp": nil})), "no exp", true)
	rejected(get("/orders", "Bearer "+good(map[string]interface{}{"nbf": now + 3600})), "not yet valid", true)
	none := b64(map[string]string{"alg": "none"}) + "." + b64(map[string]interface{}{"sub": "x", "aud": o.Audience, "iss": o.Issuer, "exp": now + 600}) + "."
	rejected(get("/orders", "Bearer "+none), "alg none", true)
	parts := strings.Split(good(nil), ".")
	parts[1] = b64(map[string]interface{}{"sub": "admin", "aud": o.Audience, "iss": o.Issuer, "exp": now + 600, o.ScopeClaim: scopes("orders:read")})
	rejected(get("/orders", "Bearer "+strings.Join(parts, ".")), "tampered", true)
	if alg[:2] == "HS" {
		other := func(a string, data []byte) []byte { mac := hmac.New(sha256.New, []byte(strings.Repeat("x", 48))); mac.Write(data); return mac.Sum(nil) }
		rejected(get("/orders", "Bearer "+token(nil, "HS256", other)), "another secret", true)
	} else {
		confused := func(a string, data []byte) []byte { mac := hmac.New(sha256.New, []byte(publicPEM)); mac.Write(data); return mac.Sum(nil) }
		rejected(get("/orders", "Bearer "+token(nil, "HS256", confused)), "HS256 with the public key", true)
	}
	if handled != accepted {
		t.Fatalf("the handler ran %d times, want %d", handled, accepted)
	}
	forbidden := get("/orders/write", "Bearer "+good(nil))
	if forbidden.Status != 403 || errorCode(t, forbidden) != "FORBIDDEN" || !strings.Contains(forbidden.Body, `"reason":"requires scope orders:write"`) {
		t.Fatalf("missing scope: %d %s", forbidden.Status, forbidden.Body)
	}
	if get("/orders/write", "Bearer "+good(map[string]interface{}{o.ScopeClaim: scopes("orders:read", "orders:write")})).Status != 201 {
		t.Fatal("both scopes")
	}
	for _, path := range o.Exempt {
		if get(path, "").Status != 200 {
			t.Fatalf("%s is exempt", path)
		}
	}
	if alg[:2] == "HS" {
		if _, err := LoadKey("short"); err == nil {
			t.Fatal("a short HMAC secret is refused")
		}
	}
}
"""


def test_tokens_accepted_and_rejected(go_module, gocache):
    go_test_variants(go_module, gocache, "jwt-auth", OPTION_SETS, SCENARIO)
