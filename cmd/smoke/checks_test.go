package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
)

const indexHTML = `<!doctype html><html><head><title>n8n builder</title></head><body><div id="root"></div></body></html>`

// testOptions keep every wait short so a failing case costs well under a second.
func testOptions() Options {
	return Options{
		Timeout:        3 * time.Second,
		Interval:       10 * time.Millisecond,
		RequestTimeout: 200 * time.Millisecond,
		Hold:           20 * time.Millisecond,
		Attempts:       2,
		RetryDelay:     10 * time.Millisecond,
	}
}

// app fakes one origin of the deployment (the ALB or CloudFront). A nil
// handler behaves like a healthy deployment, so a case states only what is broken.
type app struct{ health, ws, ui http.HandlerFunc }

func (a app) handler() http.Handler {
	or := func(h, healthy http.HandlerFunc) http.HandlerFunc {
		if h != nil {
			return h
		}
		return healthy
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/health", or(a.health, respond(http.StatusOK, "text/plain", "ok")))
	mux.HandleFunc("/ws", or(a.ws, echoWebSocket))
	mux.HandleFunc("/", or(a.ui, respond(http.StatusOK, "text/html; charset=utf-8", indexHTML)))
	return mux
}

func respond(code int, contentType, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(code)
		io.WriteString(w, body)
	}
}

// echoWebSocket is the bridge's /ws: it upgrades and reads, which is what
// answers pings.
func echoWebSocket(w http.ResponseWriter, r *http.Request) {
	c, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	defer c.CloseNow()
	for {
		if _, _, err := c.Read(context.Background()); err != nil {
			return
		}
	}
}

// hang blocks like a stuck server until the client gives up or the test ends.
func hang(t *testing.T) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-t.Context().Done():
		}
	}
}

// unhealthyFor answers 503 to the first n requests, like a task still starting.
func unhealthyFor(n int32) http.HandlerFunc {
	var calls atomic.Int32
	return func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= n {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	}
}

// wsClosesAtOnce upgrades and then hangs up, as a proxy with a tiny idle timeout would.
func wsClosesAtOnce(w http.ResponseWriter, r *http.Request) {
	c, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	c.Close(websocket.StatusGoingAway, "restarting")
}

// wsNoPong upgrades but never reads, so pings go unanswered.
func wsNoPong(t *testing.T) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		<-t.Context().Done()
		c.CloseNow()
	}
}

// indexOnly serves the UI like a bucket without SPA routing.
func indexOnly(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		http.NotFound(w, r)
		return
	}
	respond(http.StatusOK, "text/html", indexHTML)(w, r)
}

// errorPage answers deep links with some other page, as a custom error page would.
func errorPage(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		respond(http.StatusOK, "text/html", "<html>Sorry, not found</html>")(w, r)
		return
	}
	respond(http.StatusOK, "text/html", indexHTML)(w, r)
}

// wsURL is the WebSocket URL of a test server: http → ws, https → wss.
func wsURL(serverURL string) string {
	return "ws" + strings.TrimPrefix(serverURL, "http") + "/ws"
}

// deploy starts the ALB and CloudFront origins of a fake deployment and
// returns the targets its stack would output, with test-speed options. With
// https, the servers use TLS and the ALB's http listener is a plain server
// running redirect (nil: a correct redirect to https).
func deploy(t *testing.T, alb, cf app, https bool, redirect http.HandlerFunc) (Targets, Options) {
	opts := testOptions()
	start := httptest.NewServer
	if https {
		start = httptest.NewTLSServer
	}
	albSrv := start(alb.handler())
	t.Cleanup(albSrv.Close)
	cfSrv := start(cf.handler())
	t.Cleanup(cfSrv.Close)
	if https {
		if redirect == nil {
			redirect = func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, albSrv.URL+r.URL.RequestURI(), http.StatusMovedPermanently)
			}
		}
		plain := httptest.NewServer(redirect)
		t.Cleanup(plain.Close)
		// The check derives http://127.0.0.1/ (port 80) from the https URL,
		// as the ALB listens for http there; a test cannot bind port 80, so
		// the dialer sends that port to the plain server.
		transport := albSrv.Client().Transport.(*http.Transport).Clone()
		transport.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
			if addr == "127.0.0.1:80" {
				addr = plain.Listener.Addr().String()
			}
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		}
		opts.Transport = transport
	}
	targets := Targets{
		ALBURL:                    albSrv.URL,
		WebSocketURL:              wsURL(albSrv.URL),
		CloudFrontURL:             cfSrv.URL,
		WebSocketViaCloudFrontURL: wsURL(cfSrv.URL),
	}
	return targets, opts
}

func TestRun(t *testing.T) {
	tests := []struct {
		name     string
		alb, cf  app
		https    bool
		redirect http.HandlerFunc
		exposure string        // "" keeps the default, public
		timeout  time.Duration // overall; 0 keeps testOptions'
		ok       bool
		want     []string // substrings of the output
		notWant  []string // substrings the output must not have
	}{
		{
			name: "healthy deployment passes every check",
			ok:   true,
			want: []string{
				"PASS  health via ALB  (200 in ",
				"PASS  websocket via ALB  (101, open 20ms, pong in ",
				"PASS  websocket via CloudFront  (101, open 20ms, pong in ",
				"PASS  UI index via CloudFront  (200 text/html, 101 bytes)",
				"PASS  UI deep link via CloudFront  (200 for /workflows/123, same body as /)",
				"5 passed, 0 failed, 0 skipped",
			},
		},
		{
			name: "service becoming healthy is waited for",
			alb:  app{health: unhealthyFor(2)},
			ok:   true,
			want: []string{
				"waiting for /health on http://127.0.0.1:",
				"/health (attempt 2, ",
				" elapsed, last: 503)",
				"PASS  health via ALB  (200 in ",
				", healthy after ",
				"5 passed, 0 failed, 0 skipped",
			},
		},
		{
			name:    "health 500 until timeout",
			alb:     app{health: respond(http.StatusInternalServerError, "text/plain", "boom")},
			timeout: 300 * time.Millisecond,
			want: []string{
				"elapsed, last: 500)",
				"FAIL  health via ALB  (expected 200, last got 500 (",
				"SKIP  websocket via ALB  (health via ALB failed)",
				"SKIP  UI deep link via CloudFront  (health via ALB failed)",
				"0 passed, 1 failed, 4 skipped",
			},
		},
		{
			name:    "health hangs",
			alb:     app{health: hang(t)},
			timeout: 500 * time.Millisecond,
			want: []string{
				"last: no response within 200ms)",
				"FAIL  health via ALB  (expected 200, last got no response within 200ms (",
				"0 passed, 1 failed, 4 skipped",
			},
		},
		{
			name:    "health hangs past the overall timeout",
			alb:     app{health: hang(t)},
			timeout: 100 * time.Millisecond,
			want: []string{
				"FAIL  health via ALB  (expected 200, got no answer within the overall timeout of 100ms)",
				"0 passed, 1 failed, 4 skipped",
			},
		},
		{
			name: "ALB answers /ws without upgrading",
			alb:  app{ws: respond(http.StatusOK, "text/html", indexHTML)},
			want: []string{
				"FAIL  websocket via ALB  (expected 101, got 200; 2 attempts)",
				"PASS  websocket via CloudFront",
				"4 passed, 1 failed, 0 skipped",
			},
		},
		{
			name: "CloudFront forbids /ws",
			cf:   app{ws: respond(http.StatusForbidden, "text/html", "<h1>403 ERROR</h1>")},
			want: []string{
				"PASS  websocket via ALB",
				"FAIL  websocket via CloudFront  (expected 101, got 403; 2 attempts)",
				"4 passed, 1 failed, 0 skipped",
			},
		},
		{
			name: "websocket handshake hangs",
			alb:  app{ws: hang(t)},
			want: []string{
				"FAIL  websocket via ALB  (no response within 200ms; 2 attempts)",
				"4 passed, 1 failed, 0 skipped",
			},
		},
		{
			name: "websocket closed right after the upgrade",
			alb:  app{ws: wsClosesAtOnce},
			want: []string{
				"FAIL  websocket via ALB  (101, but closed after ",
				"4 passed, 1 failed, 0 skipped",
			},
		},
		{
			name: "websocket never answers a ping",
			cf:   app{ws: wsNoPong(t)},
			want: []string{
				"FAIL  websocket via CloudFront  (101, but no pong: no response within 200ms; 2 attempts)",
				"4 passed, 1 failed, 0 skipped",
			},
		},
		{
			name:    "overall timeout reached after health passed",
			alb:     app{ws: hang(t)},
			timeout: 300 * time.Millisecond,
			want: []string{
				"PASS  health via ALB",
				"FAIL  websocket via ALB  (overall timeout of 300ms reached; 2 attempts)",
				"FAIL  UI index via CloudFront  (overall timeout of 300ms reached)",
				"1 passed, 4 failed, 0 skipped",
			},
		},
		{
			name: "UI hangs",
			cf:   app{ui: hang(t)},
			want: []string{
				"FAIL  UI index via CloudFront  (no response within 200ms; 2 attempts)",
				"FAIL  UI deep link via CloudFront  (no response within 200ms; 2 attempts)",
				"3 passed, 2 failed, 0 skipped",
			},
		},
		{
			name: "missing index",
			cf:   app{ui: respond(http.StatusNotFound, "application/xml", "<Error><Code>NoSuchKey</Code></Error>")},
			want: []string{
				"FAIL  UI index via CloudFront  (expected 200, got 404; 2 attempts)",
				"FAIL  UI deep link via CloudFront  (/ answered 404, nothing to compare with; 2 attempts)",
				"3 passed, 2 failed, 0 skipped",
			},
		},
		{
			name: "index is not HTML",
			cf:   app{ui: respond(http.StatusOK, "binary/octet-stream", indexHTML)},
			want: []string{
				`FAIL  UI index via CloudFront  (expected text/html, got Content-Type "binary/octet-stream"; 2 attempts)`,
				"4 passed, 1 failed, 0 skipped",
			},
		},
		{
			name: "deep link 404 without SPA routing",
			cf:   app{ui: indexOnly},
			want: []string{
				"PASS  UI index via CloudFront",
				"FAIL  UI deep link via CloudFront  (expected 200 for /workflows/123, got 404; no SPA fallback to /index.html?; 2 attempts)",
				"4 passed, 1 failed, 0 skipped",
			},
		},
		{
			name: "deep link serves another page",
			cf:   app{ui: errorPage},
			want: []string{
				"FAIL  UI deep link via CloudFront  (/workflows/123 answered 200 but its body (29 bytes) differs from / (101 bytes); 2 attempts)",
				"4 passed, 1 failed, 0 skipped",
			},
		},
		{
			name:  "https environment with the http redirect",
			https: true,
			ok:    true,
			want: []string{
				"PASS  health via ALB",
				"PASS  websocket via ALB",
				"PASS  websocket via CloudFront",
				"PASS  http->https redirect on ALB  (301 to https://127.0.0.1:",
				"6 passed, 0 failed, 0 skipped",
			},
		},
		{
			// The ALB is broken here, and it must not matter: it is private.
			name:     "private ALB: every check through CloudFront",
			exposure: ExposureCloudFront,
			alb:      app{health: respond(http.StatusInternalServerError, "text/plain", "boom"), ws: respond(http.StatusOK, "text/html", indexHTML)},
			ok:       true,
			want: []string{
				`INFO  the ALB is private (load_balancer_exposure "cloudfront"): it is reachable only inside the VPC, so every check goes through CloudFront`,
				"PASS  health via CloudFront  (200 in ",
				"PASS  websocket via CloudFront  (101, open 20ms, pong in ",
				"PASS  UI deep link via CloudFront",
				"4 passed, 0 failed, 0 skipped",
			},
			notWant: []string{"via ALB"},
		},
		{
			name:     "private ALB: CloudFront health failing fails the run",
			exposure: ExposureCloudFront,
			cf:       app{health: respond(http.StatusBadGateway, "text/html", "<h1>502 ERROR</h1>")},
			timeout:  300 * time.Millisecond,
			want: []string{
				"FAIL  health via CloudFront  (expected 200, last got 502 (",
				"SKIP  websocket via CloudFront  (health via CloudFront failed)",
				"0 passed, 1 failed, 3 skipped",
			},
			notWant: []string{"via ALB"},
		},
		{
			name:     "private https ALB: no redirect check on it",
			exposure: ExposureCloudFront,
			https:    true,
			redirect: respond(http.StatusOK, "text/html", indexHTML),
			ok:       true,
			want:     []string{"4 passed, 0 failed, 0 skipped"},
			notWant:  []string{"redirect on ALB"},
		},
		{
			name:     "https environment without the http redirect",
			https:    true,
			redirect: respond(http.StatusOK, "text/html", indexHTML),
			want: []string{
				"FAIL  http->https redirect on ALB  (expected a redirect (301/302/307/308) to https, got 200; 2 attempts)",
				"5 passed, 1 failed, 0 skipped",
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			targets, opts := deploy(t, tc.alb, tc.cf, tc.https, tc.redirect)
			targets.Exposure = tc.exposure
			if tc.timeout > 0 {
				opts.Timeout = tc.timeout
			}
			var out bytes.Buffer
			start := time.Now()
			got := Run(t.Context(), targets, opts, &out)
			took := time.Since(start)

			if got != tc.ok {
				t.Errorf("Run() = %v, want %v", got, tc.ok)
			}
			for _, w := range tc.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q", w)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(out.String(), w) {
					t.Errorf("output has %q", w)
				}
			}
			// A hanging server must cost at most Attempts × RequestTimeout per check.
			if took > 2*time.Second {
				t.Errorf("Run took %s, want under 2s", took)
			}
			if t.Failed() {
				t.Logf("output:\n%s", out.String())
			}
		})
	}
}

func TestRedirect(t *testing.T) {
	tests := []struct {
		name     string
		code     int
		location string // "HOST" stands for the server's own host:port
		want     string // detail on a pass
		wantErr  string
	}{
		{name: "301 to https", code: 301, location: "https://HOST/", want: "301 to https://HOST/"},
		{name: "308 to https with the ALB's :443", code: 308, location: "https://127.0.0.1:443/", want: "308 to https://127.0.0.1:443/"},
		{name: "no redirect", code: 200, wantErr: "expected a redirect (301/302/307/308) to https, got 200"},
		{name: "redirect to http", code: 302, location: "http://HOST/login", wantErr: "expected a redirect to https://127.0.0.1, got 302 to http://HOST/login"},
		{name: "relative redirect stays on http", code: 307, location: "/login", wantErr: "expected a redirect to https://127.0.0.1, got 307 to /login"},
		{name: "redirect to another host", code: 301, location: "https://example.com/", wantErr: "expected a redirect to https://127.0.0.1, got 301 to https://example.com/"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var host string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tc.location != "" {
					w.Header().Set("Location", strings.ReplaceAll(tc.location, "HOST", host))
				}
				w.WriteHeader(tc.code)
			}))
			defer srv.Close()
			host = srv.Listener.Addr().String()

			got, err := newRunner(testOptions(), io.Discard).redirect(t.Context(), srv.URL+"/")
			want := strings.ReplaceAll(tc.want, "HOST", host)
			wantErr := strings.ReplaceAll(tc.wantErr, "HOST", host)
			switch {
			case wantErr == "" && err != nil:
				t.Errorf("redirect() error = %v, want none", err)
			case wantErr != "" && (err == nil || err.Error() != wantErr):
				t.Errorf("redirect() error = %v, want %q", err, wantErr)
			case got != want:
				t.Errorf("redirect() = %q, want %q", got, want)
			}
		})
	}
}

func TestHTTPTwin(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://api.example.com", "http://api.example.com/"},
		{"https://api.example.com/", "http://api.example.com/"},
		{"https://api.example.com:8443/v1", "http://api.example.com/v1"},
		{"https://[::1]:8443", "http://[::1]/"},
	}
	for _, tc := range tests {
		if got := httpTwin(tc.in); got != tc.want {
			t.Errorf("httpTwin(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestRedirectChecks(t *testing.T) {
	tests := []struct {
		name    string
		targets Targets
		want    []redirectCheck
	}{
		{name: "http ALB, no custom domain", targets: Targets{ALBURL: "http://x.elb.amazonaws.com"}},
		{
			name:    "https ALB",
			targets: Targets{ALBURL: "https://api.example.com"},
			want:    []redirectCheck{{"http->https redirect on ALB", "http://api.example.com/"}},
		},
		{
			name:    "API domain is the ALB URL",
			targets: Targets{ALBURL: "https://api.example.com", APIURL: "https://api.example.com/"},
			want:    []redirectCheck{{"http->https redirect on ALB", "http://api.example.com/"}},
		},
		{
			name:    "API domain beside an http ALB URL, and a UI domain",
			targets: Targets{ALBURL: "http://x.elb.amazonaws.com", APIURL: "https://api.example.com", UIURL: "https://app.example.com"},
			want: []redirectCheck{
				{"http->https redirect on API domain", "http://api.example.com/"},
				{"http->https redirect on UI domain", "http://app.example.com/"},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := redirectChecks(tc.targets)
			if len(got) != len(tc.want) {
				t.Fatalf("redirectChecks() = %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("redirectChecks()[%d] = %v, want %v", i, got[i], tc.want[i])
				}
			}
		})
	}
}
