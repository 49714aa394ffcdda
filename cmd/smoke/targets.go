package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strings"

	"github.com/n8n-builder/infra/stacks/outputs"
)

// Targets are the URLs the smoke check probes. Each field is read from the
// stack output named in its comment. UIURL and APIURL are empty when the
// environment has no custom domain.
type Targets struct {
	// Exposure is the load_balancer_exposure output: ExposurePublic (the
	// default, also for stacks that predate the output) or ExposureCloudFront,
	// where the ALB is internal and every check goes through CloudFront.
	Exposure                  string
	ALBURL                    string // alb_url: http://x.elb.amazonaws.com or https://api.example.com; not checked with a private ALB
	WebSocketURL              string // websocket_url: ws(s)://<alb>/ws
	CloudFrontURL             string // cloudfront_url: https://dxxxx.cloudfront.net
	WebSocketViaCloudFrontURL string // websocket_url_via_cloudfront: wss://dxxxx.cloudfront.net/ws
	UIURL                     string // ui_url: https://app.example.com; optional
	APIURL                    string // api_url: https://api.example.com; optional
}

// Exposures of the bridge, as the load_balancer_exposure output names them.
const (
	ExposurePublic     = "public"
	ExposureCloudFront = "cloudfront"
)

// exposureOutput names the output that says how the bridge is reached.
const exposureOutput = outputs.LoadBalancerExposure

// privateALB reports whether the ALB is internal: unreachable from here.
func (t Targets) privateALB() bool { return t.Exposure == ExposureCloudFront }

// field ties a Targets field to the output it comes from. One table drives the
// flags, the output lookup and the validation, so they cannot drift apart.
type field struct {
	output   string
	required bool
	schemes  []string
	get      func(*Targets) *string
}

var fields = []field{
	// Required with a public ALB only (see targetsFrom).
	{outputs.ALBURL, true, []string{"http", "https"}, func(t *Targets) *string { return &t.ALBURL }},
	{outputs.WebSocketURL, true, []string{"ws", "wss"}, func(t *Targets) *string { return &t.WebSocketURL }},
	// http is accepted so the check can run against a local server.
	{outputs.CloudFrontURL, true, []string{"http", "https"}, func(t *Targets) *string { return &t.CloudFrontURL }},
	{outputs.WebSocketViaCloudFrontURL, true, []string{"ws", "wss"}, func(t *Targets) *string { return &t.WebSocketViaCloudFrontURL }},
	// Custom domains always get a certificate, so only https makes sense.
	{outputs.UIURL, false, []string{"https"}, func(t *Targets) *string { return &t.UIURL }},
	{outputs.APIURL, false, []string{"https"}, func(t *Targets) *string { return &t.APIURL }},
}

// flag is the command-line flag that overrides the output: alb_url → -alb-url.
func (f field) flag() string { return strings.ReplaceAll(f.output, "_", "-") }

// readOutputs returns the stack outputs from `terraform output -json` run in
// dir, or from file when it holds a saved copy. With neither it returns no
// outputs, so every target must come from a flag.
func readOutputs(ctx context.Context, dir, file string) (map[string]any, error) {
	var data []byte
	var err error
	var source string
	switch {
	case file != "":
		source = file
		data, err = os.ReadFile(file)
	case dir != "":
		source = "terraform output -json in " + dir
		data, err = terraformOutput(ctx, dir)
	default:
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	values, err := parseOutputs(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	return values, nil
}

// terraformOutput runs terraform in dir. Terraform's own message (no state,
// not initialised, ...) goes into the error because it tells the fix.
func terraformOutput(ctx context.Context, dir string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "terraform", "output", "-json", "-no-color")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) && len(exit.Stderr) > 0 {
			return nil, fmt.Errorf("terraform output -json in %s: %w: %s", dir, err, strings.TrimSpace(string(exit.Stderr)))
		}
		return nil, fmt.Errorf("terraform output -json in %s: %w", dir, err)
	}
	return out, nil
}

// parseOutputs reads the `terraform output -json` format,
// {"name":{"sensitive":false,"type":"string","value":"..."}}, into name → value.
func parseOutputs(data []byte) (map[string]any, error) {
	var raw map[string]struct {
		Value any `json:"value"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("not the output of terraform output -json: %w", err)
	}
	values := make(map[string]any, len(raw))
	for name, o := range raw {
		values[name] = o.Value
	}
	return values, nil
}

// targetsFrom fills Targets from the outputs, lets each non-empty field of
// overrides win, and validates the result. It reports all problems at once.
func targetsFrom(values map[string]any, overrides Targets) (Targets, error) {
	var t Targets
	var errs []error
	t.Exposure = overrides.Exposure
	if t.Exposure == "" {
		if v, ok := values[exposureOutput]; ok {
			t.Exposure, _ = v.(string)
			if t.Exposure == "" {
				errs = append(errs, fmt.Errorf("output %s is %v, want %q or %q", exposureOutput, v, ExposurePublic, ExposureCloudFront))
			}
		}
	}
	switch t.Exposure {
	case "":
		t.Exposure = ExposurePublic
	case ExposurePublic, ExposureCloudFront:
	default:
		errs = append(errs, fmt.Errorf("%s %q: want %q or %q", exposureOutput, t.Exposure, ExposurePublic, ExposureCloudFront))
	}
	for _, f := range fields {
		dst := f.get(&t)
		if v := *f.get(&overrides); v != "" {
			*dst = v
		} else if v, ok := values[f.output]; ok {
			s, isString := v.(string)
			if !isString {
				errs = append(errs, fmt.Errorf("output %s is %v, want a string URL", f.output, v))
				continue
			}
			*dst = s
		}
		required := f.required && !(f.output == outputs.ALBURL && t.privateALB())
		switch {
		case *dst == "" && required:
			errs = append(errs, fmt.Errorf("missing output %s: the stack outputs lack it and -%s is not set; apply the stack or pass -%s", f.output, f.flag(), f.flag()))
		case *dst != "":
			if err := checkURL(*dst, f.schemes); err != nil {
				errs = append(errs, fmt.Errorf("%s %q: %w", f.output, *dst, err))
			}
		}
	}
	return t, errors.Join(errs...)
}

// checkURL catches a value that is not a URL at all before it turns into a
// confusing failed check.
func checkURL(raw string, schemes []string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	if !slices.Contains(schemes, u.Scheme) {
		return fmt.Errorf("scheme must be %s", strings.Join(schemes, " or "))
	}
	if u.Host == "" {
		return errors.New("no host")
	}
	return nil
}
