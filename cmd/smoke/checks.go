package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/coder/websocket"
)

// Options tunes how patient Run is. The zero value of a field means its default.
type Options struct {
	// Timeout bounds the whole run; most of it is spent waiting for /health
	// while a fresh deployment starts its tasks. Default: 10m.
	Timeout time.Duration
	// Interval between /health polls while waiting. Default: 10s.
	Interval time.Duration
	// RequestTimeout bounds each request, WebSocket handshake and ping, so a
	// hanging server fails its check instead of stalling the run. Default: 10s.
	RequestTimeout time.Duration
	// Hold is how long each WebSocket must stay open before it is pinged; it
	// catches idle timeouts and proxies that drop upgraded connections. Default: 3s.
	Hold time.Duration
	// Attempts per check once /health passed, to ride out a single blip
	// (a task being replaced) without waiting the full Timeout. Default: 3.
	Attempts int
	// RetryDelay between those attempts. Default: 2s.
	RetryDelay time.Duration
	// Transport sends every request. Default: http.DefaultTransport. Tests pass
	// one that trusts their TLS server.
	Transport http.RoundTripper
}

// withDefaults fills the zero fields.
func (o Options) withDefaults() Options {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.Timeout, 10*time.Minute)
	def(&o.Interval, 10*time.Second)
	def(&o.RequestTimeout, 10*time.Second)
	def(&o.Hold, 3*time.Second)
	def(&o.RetryDelay, 2*time.Second)
	if o.Attempts <= 0 {
		o.Attempts = 3
	}
	if o.Transport == nil {
		o.Transport = http.DefaultTransport
	}
	return o
}

// deepLink is a client-side route of the UI. S3 has no such object, so only
// CloudFront's SPA fallback to /index.html makes it answer 200.
const deepLink = "/workflows/123"

// maxBody caps what a check reads; the UI index is a few kB.
const maxBody = 8 << 20

// check is one line of the report. run is called once per attempt.
type check struct {
	name string
	run  func(context.Context) (string, error)
}

// Run checks the deployment at targets and prints one PASS, FAIL or SKIP line
// per check to out, then a summary. It first waits for /health on the ALB
// (through CloudFront when the ALB is private; polling until opts.Timeout),
// then runs the other checks with a few attempts each. It reports whether
// every check passed.
func Run(ctx context.Context, targets Targets, opts Options, out io.Writer) bool {
	r := newRunner(opts, out)
	ctx, cancel := context.WithTimeout(ctx, r.opts.Timeout)
	defer cancel()

	health, healthBase := "health via ALB", targets.ALBURL
	if targets.privateALB() {
		fmt.Fprintf(out, "INFO  the ALB is private (%s %q): it is reachable only inside the VPC, so every check goes through CloudFront\n", exposureOutput, targets.Exposure)
		health, healthBase = "health via CloudFront", targets.CloudFrontURL
	}
	healthDetail, healthErr := r.waitHealthy(ctx, endpoint(healthBase, "/health"))
	r.report(health, healthDetail, healthErr)

	var checks []check
	if !targets.privateALB() {
		checks = append(checks, check{"websocket via ALB", func(ctx context.Context) (string, error) { return r.websocket(ctx, targets.WebSocketURL) }})
	}
	checks = append(checks,
		check{"websocket via CloudFront", func(ctx context.Context) (string, error) { return r.websocket(ctx, targets.WebSocketViaCloudFrontURL) }},
		check{"UI index via CloudFront", func(ctx context.Context) (string, error) { return r.index(ctx, targets.CloudFrontURL) }},
		check{"UI deep link via CloudFront", func(ctx context.Context) (string, error) { return r.deepLink(ctx, targets.CloudFrontURL) }},
	)
	for _, rc := range redirectChecks(targets) {
		checks = append(checks, check{rc.name, func(ctx context.Context) (string, error) { return r.redirect(ctx, rc.url) }})
	}
	for _, c := range checks {
		// The timeout is spent by now, and every other check would only
		// repeat that the service is down.
		if healthErr != nil {
			fmt.Fprintf(out, "SKIP  %s  (%s failed)\n", c.name, health)
			r.skipped++
			continue
		}
		detail, err := r.retry(ctx, c.run)
		r.report(c.name, detail, err)
	}
	fmt.Fprintf(out, "%d passed, %d failed, %d skipped\n", r.passed, r.failed, r.skipped)
	return r.failed == 0 && r.skipped == 0
}

// runner holds what every check needs and counts the results.
type runner struct {
	opts                    Options
	client                  *http.Client
	out                     io.Writer
	passed, failed, skipped int
}

// newRunner applies the defaults of opts and builds the shared client.
func newRunner(opts Options, out io.Writer) *runner {
	opts = opts.withDefaults()
	client := &http.Client{
		Transport: opts.Transport,
		// A redirect is itself a finding (the redirect check counts on
		// seeing it), so no check follows one.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return &runner{opts: opts, client: client, out: out}
}

// report prints the line of one finished check.
func (r *runner) report(name, detail string, err error) {
	if err != nil {
		r.failed++
		fmt.Fprintf(r.out, "FAIL  %s  (%v)\n", name, err)
		return
	}
	r.passed++
	fmt.Fprintf(r.out, "PASS  %s  (%s)\n", name, detail)
}

// waitHealthy polls url until it answers 200 or ctx ends, printing a progress
// line after each miss so a user watching a fresh deployment sees it is alive.
func (r *runner) waitHealthy(ctx context.Context, url string) (string, error) {
	start := time.Now()
	var last string
	for attempt := 1; ; attempt++ {
		resp, _, took, err := r.get(ctx, url)
		if err == nil && resp.StatusCode == http.StatusOK {
			detail := fmt.Sprintf("200 in %s", round(took))
			if attempt > 1 {
				detail += fmt.Sprintf(", healthy after %s", round(time.Since(start)))
			}
			return detail, nil
		}
		if ctx.Err() != nil && last == "" {
			return "", fmt.Errorf("expected 200, got no answer within the overall timeout of %s", r.opts.Timeout)
		}
		if ctx.Err() != nil {
			// The deadline cut this attempt short; the one before says
			// more about why the service is not healthy.
			return "", fmt.Errorf("expected 200, last got %s (%d attempts in %s)", last, attempt-1, round(time.Since(start)))
		}
		if err != nil {
			last = err.Error()
		} else {
			last = status(resp)
		}
		fmt.Fprintf(r.out, "waiting for /health on %s (attempt %d, %s elapsed, last: %s)\n", url, attempt, round(time.Since(start)), last)
		select {
		case <-ctx.Done():
		case <-time.After(r.opts.Interval):
		}
	}
}

// retry runs a check up to opts.Attempts times and returns its last result.
func (r *runner) retry(ctx context.Context, run func(context.Context) (string, error)) (string, error) {
	for attempt := 1; ; attempt++ {
		detail, err := run(ctx)
		if err == nil {
			return detail, nil
		}
		if attempt == r.opts.Attempts || ctx.Err() != nil {
			if attempt > 1 {
				err = fmt.Errorf("%w; %d attempts", err, attempt)
			}
			return "", err
		}
		select {
		case <-ctx.Done():
		case <-time.After(r.opts.RetryDelay):
		}
	}
}

// get fetches url within opts.RequestTimeout and returns the response with
// its body already read, and how long that took.
func (r *runner) get(ctx context.Context, url string) (*http.Response, []byte, time.Duration, error) {
	reqCtx, cancel := context.WithTimeout(ctx, r.opts.RequestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(reqCtx, http.MethodGet, url, nil)
	if err != nil {
		return nil, nil, 0, err
	}
	start := time.Now()
	resp, err := r.client.Do(req)
	if err != nil {
		return nil, nil, 0, r.explain(ctx, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, nil, 0, r.explain(ctx, err)
	}
	return resp, body, time.Since(start), nil
}

// explain turns a transport error into a reason for the report line. ctx is
// the run's context, to tell the overall timeout from a slow server.
func (r *runner) explain(ctx context.Context, err error) error {
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return fmt.Errorf("overall timeout of %s reached", r.opts.Timeout)
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("no response within %s", r.opts.RequestTimeout)
	}
	// The report line already names the check; the URL in a *url.Error
	// would only repeat it.
	var uerr *url.Error
	if errors.As(err, &uerr) {
		return uerr.Err
	}
	return err
}

// websocket opens a WebSocket on wsURL, keeps it open for opts.Hold and
// expects a pong to a ping, as the UI needs the connection to live on.
func (r *runner) websocket(ctx context.Context, wsURL string) (string, error) {
	dialCtx, cancel := context.WithTimeout(ctx, r.opts.RequestTimeout)
	defer cancel()
	conn, resp, err := websocket.Dial(dialCtx, wsURL, &websocket.DialOptions{HTTPClient: r.client})
	if err != nil {
		if resp != nil {
			return "", fmt.Errorf("expected 101, got %s", status(resp))
		}
		return "", r.explain(ctx, err)
	}
	defer conn.CloseNow()

	// Something must read for the library to see the pong; the bridge may
	// also push messages of any size, which are of no interest here.
	conn.SetReadLimit(-1)
	closed := make(chan error, 1)
	go func() {
		for {
			if _, _, err := conn.Read(context.Background()); err != nil {
				closed <- err
				return
			}
		}
	}()

	opened := time.Now()
	select {
	case err := <-closed:
		return "", fmt.Errorf("101, but closed after %s: %v", round(time.Since(opened)), err)
	case <-ctx.Done():
		return "", r.explain(ctx, ctx.Err())
	case <-time.After(r.opts.Hold):
	}

	pingCtx, cancelPing := context.WithTimeout(ctx, r.opts.RequestTimeout)
	defer cancelPing()
	start := time.Now()
	if err := conn.Ping(pingCtx); err != nil {
		return "", fmt.Errorf("101, but no pong: %v", r.explain(ctx, err))
	}
	took := time.Since(start)
	conn.Close(websocket.StatusNormalClosure, "smoke check done")
	return fmt.Sprintf("101, open %s, pong in %s", round(r.opts.Hold), round(took)), nil
}

// index expects the UI's index.html at the root of base.
func (r *runner) index(ctx context.Context, base string) (string, error) {
	resp, body, _, err := r.get(ctx, endpoint(base, "/"))
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("expected 200, got %s", status(resp))
	}
	contentType := resp.Header.Get("Content-Type")
	if mt, _, _ := mime.ParseMediaType(contentType); mt != "text/html" {
		return "", fmt.Errorf("expected text/html, got Content-Type %q", contentType)
	}
	return fmt.Sprintf("200 text/html, %d bytes", len(body)), nil
}

// deepLink expects a client-side route to serve the same page as /, which
// is what lets a user reload or share a link into the app.
func (r *runner) deepLink(ctx context.Context, base string) (string, error) {
	resp, index, _, err := r.get(ctx, endpoint(base, "/"))
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("/ answered %s, nothing to compare with", status(resp))
	}
	resp, body, _, err := r.get(ctx, endpoint(base, deepLink))
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("expected 200 for %s, got %s; no SPA fallback to /index.html?", deepLink, status(resp))
	}
	if !bytes.Equal(body, index) {
		return "", fmt.Errorf("%s answered 200 but its body (%d bytes) differs from / (%d bytes)", deepLink, len(body), len(index))
	}
	return fmt.Sprintf("200 for %s, same body as /", deepLink), nil
}

// redirect expects httpURL to answer with a redirect to https on the same host.
func (r *runner) redirect(ctx context.Context, httpURL string) (string, error) {
	resp, _, _, err := r.get(ctx, httpURL)
	if err != nil {
		return "", err
	}
	switch resp.StatusCode {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
	default:
		return "", fmt.Errorf("expected a redirect (301/302/307/308) to https, got %s", status(resp))
	}
	from, _ := url.Parse(httpURL)
	to, err := resp.Location()
	// The ALB writes the port into Location (https://host:443/), so only
	// the scheme and the host name are compared.
	if err != nil || to.Scheme != "https" || to.Hostname() != from.Hostname() {
		return "", fmt.Errorf("expected a redirect to https://%s, got %s", from.Hostname(), status(resp))
	}
	return fmt.Sprintf("%d to %s", resp.StatusCode, to), nil
}

// redirectCheck is an http:// URL that must redirect to its https twin.
type redirectCheck struct{ name, url string }

// redirectChecks lists the hosts served over https, each of which must also
// redirect plain http, since users type or paste http:// links.
func redirectChecks(t Targets) []redirectCheck {
	var checks []redirectCheck
	if strings.HasPrefix(t.ALBURL, "https://") && !t.privateALB() {
		checks = append(checks, redirectCheck{"http->https redirect on ALB", httpTwin(t.ALBURL)})
	}
	if t.APIURL != "" && hostname(t.APIURL) != hostname(t.ALBURL) {
		checks = append(checks, redirectCheck{"http->https redirect on API domain", httpTwin(t.APIURL)})
	}
	if t.UIURL != "" {
		checks = append(checks, redirectCheck{"http->https redirect on UI domain", httpTwin(t.UIURL)})
	}
	return checks
}

// httpTwin is the plain-http URL of an https one: same host and path, on the
// default port, which is where the ALB and CloudFront listen for http.
func httpTwin(httpsURL string) string {
	u, err := url.Parse(httpsURL)
	if err != nil {
		return httpsURL // targetsFrom validated it; keep the value for the report
	}
	u.Scheme = "http"
	u.Host = u.Hostname()
	if strings.Contains(u.Host, ":") {
		u.Host = "[" + u.Host + "]" // IPv6 literal
	}
	if u.Path == "" {
		u.Path = "/"
	}
	return u.String()
}

// hostname is the host of rawURL without the port, or "" if it does not parse.
func hostname(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return ""
	}
	return u.Hostname()
}

// endpoint joins a base URL from the outputs with a path; outputs may or may
// not end in a slash.
func endpoint(base, path string) string {
	return strings.TrimSuffix(base, "/") + path
}

// status describes a response for a report line; for a redirect the target
// is half the story.
func status(resp *http.Response) string {
	if loc := resp.Header.Get("Location"); loc != "" {
		return fmt.Sprintf("%d to %s", resp.StatusCode, loc)
	}
	return fmt.Sprint(resp.StatusCode)
}

// round keeps durations readable: 310µs, 120ms, 3s, 1m10s.
func round(d time.Duration) time.Duration {
	if d < time.Millisecond {
		return d.Round(time.Microsecond)
	}
	if d < time.Second {
		return d.Round(time.Millisecond)
	}
	return d.Round(time.Second)
}
