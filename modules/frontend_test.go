package modules_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"

	"github.com/n8n-builder/infra/internal/modulestacks"
	"github.com/n8n-builder/infra/internal/testutil"
	"github.com/n8n-builder/infra/modules/frontend"
)

const frontendALBArn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/proj-prod-alb/0123456789abcdef"

// frontendVariants are three stacks: dev-shaped (HTTP origin, default
// certificate, force_destroy), prod-shaped (versioning, HTTPS origin, custom
// domain, WAF) and prod-shaped with the ALB internal, behind a VPC origin.
type frontendVariants struct {
	dev, prod, privateALB *testutil.Synthesized
}

var frontendDevProps = frontend.Props{
	NamePrefix:         "proj-dev",
	ForceDestroy:       true,
	BridgeOriginDomain: jsii.String("proj-dev-alb-123.us-east-1.elb.amazonaws.com"),
}

var frontendStacks = synthOnce(func() frontendVariants {
	p := modulestacks.FrontendProdProps()
	p.BridgeVpcOriginALBArn = jsii.String(frontendALBArn)
	return frontendVariants{dev: modulestacks.Frontend(frontendDevProps), prod: modulestacks.Frontend(modulestacks.FrontendProdProps()), privateALB: modulestacks.Frontend(p)}
})

func TestFrontendBucket(t *testing.T) {
	v := frontendStacks()
	dev, prod := v.dev, v.prod
	testutil.AssertResource(t, dev, "aws_s3_bucket", map[string]any{"bucket_prefix": "proj-dev-ui-", "force_destroy": true})
	testutil.AssertResource(t, prod, "aws_s3_bucket", map[string]any{"bucket_prefix": "proj-prod-ui-", "force_destroy": false})
	testutil.RefuteResource(t, prod, "aws_s3_bucket", map[string]any{"force_destroy": true})
	for name, s := range map[string]*testutil.Synthesized{"dev": dev, "prod": prod} {
		t.Run(name, func(t *testing.T) {
			bucketID := s.Ref("aws_s3_bucket", "bucket", "id")
			testutil.AssertResource(t, s, "aws_s3_bucket_public_access_block", map[string]any{
				"bucket": bucketID, "block_public_acls": true, "block_public_policy": true,
				"ignore_public_acls": true, "restrict_public_buckets": true,
			})
			testutil.AssertResource(t, s, "aws_s3_bucket_ownership_controls", map[string]any{
				"bucket": bucketID, "rule": map[string]any{"object_ownership": "BucketOwnerEnforced"},
			})
			testutil.AssertResource(t, s, "aws_s3_bucket_server_side_encryption_configuration", map[string]any{
				"bucket": bucketID,
				"rule":   []any{map[string]any{"apply_server_side_encryption_by_default": map[string]any{"sse_algorithm": "AES256"}}},
			})
		})
	}
}

func TestFrontendVersioningOnlyWhenOn(t *testing.T) {
	v := frontendStacks()
	dev, prod := v.dev, v.prod
	testutil.AssertResource(t, prod, "aws_s3_bucket_versioning", map[string]any{
		"bucket":                   prod.Ref("aws_s3_bucket", "bucket", "id"),
		"versioning_configuration": map[string]any{"status": "Enabled"},
	})
	if n := dev.Count("aws_s3_bucket_versioning") + dev.Count("aws_s3_bucket_lifecycle_configuration"); n != 0 {
		t.Errorf("dev has %d versioning and lifecycle resources, want none", n)
	}
	// Replaced UI files (each upload syncs with --delete) expire.
	testutil.AssertResource(t, prod, "aws_s3_bucket_lifecycle_configuration", map[string]any{
		"bucket": prod.Ref("aws_s3_bucket", "bucket", "id"),
		"rule":   []any{map[string]any{"status": "Enabled", "noncurrent_version_expiration": map[string]any{"noncurrent_days": 30}}},
	})
}

// bucketPolicyStatements decodes the statements of the policy document the
// aws_s3_bucket_policy uses, by Sid.
func bucketPolicyStatements(t *testing.T, s *testutil.Synthesized) map[string]policyStatement {
	t.Helper()
	policies := s.Resources("aws_s3_bucket_policy")
	if len(policies) != 1 {
		t.Fatalf("%d bucket policies, want 1", len(policies))
	}
	var ref string
	for _, p := range policies {
		ref, _ = p["policy"].(string)
	}
	docs := s.DataSources("aws_iam_policy_document")
	for name := range docs {
		if ref != "${data.aws_iam_policy_document."+name+".json}" {
			continue
		}
		var doc struct {
			Statement []policyStatement `json:"statement"`
		}
		convert(t, docs[name], &doc)
		out := map[string]policyStatement{}
		for _, st := range doc.Statement {
			out[st.Sid] = st
		}
		return out
	}
	t.Fatalf("bucket policy %q is no policy document's JSON", ref)
	return nil
}

func TestFrontendBucketPolicy(t *testing.T) {
	dev := frontendStacks().dev
	sts := bucketPolicyStatements(t, dev)
	bucketArn := dev.Ref("aws_s3_bucket", "bucket", "arn")
	distArn := dev.Ref("aws_cloudfront_distribution", "distribution", "arn")
	if len(sts) != 3 {
		t.Errorf("%d statements, want 3: %v", len(sts), sts)
	}
	allows := []struct {
		sid, action, resource string
	}{
		{"CloudFrontReadsObjects", "s3:GetObject", bucketArn + "/*"},
		{"CloudFrontListsObjects", "s3:ListBucket", bucketArn},
	}
	for _, tt := range allows {
		t.Run(tt.sid, func(t *testing.T) {
			st, ok := sts[tt.sid]
			if !ok {
				t.Fatalf("no statement %s", tt.sid)
			}
			if st.Effect != "Allow" || !reflect.DeepEqual(st.Actions, []string{tt.action}) || !reflect.DeepEqual(st.Resources, []string{tt.resource}) {
				t.Errorf("got %s %v on %v, want Allow [%s] on [%s]", st.Effect, st.Actions, st.Resources, tt.action, tt.resource)
			}
			if len(st.Principals) != 1 || st.Principals[0].Type != "Service" || !reflect.DeepEqual(st.Principals[0].Identifiers, []string{"cloudfront.amazonaws.com"}) {
				t.Errorf("principals = %+v, want the CloudFront service", st.Principals)
			}
			if len(st.Condition) != 1 || st.Condition[0].Test != "StringEquals" || st.Condition[0].Variable != "AWS:SourceArn" ||
				!reflect.DeepEqual(st.Condition[0].Values, []string{distArn}) {
				t.Errorf("condition = %+v, want StringEquals AWS:SourceArn = %s", st.Condition, distArn)
			}
		})
	}
	t.Run("tls only", func(t *testing.T) {
		st := sts["DenyInsecureTransport"]
		if st.Effect != "Deny" || !reflect.DeepEqual(st.Resources, []string{bucketArn, bucketArn + "/*"}) {
			t.Errorf("got %s on %v, want Deny on the bucket and its objects", st.Effect, st.Resources)
		}
		if len(st.Principals) != 1 || st.Principals[0].Type != "*" || len(st.Condition) != 1 ||
			st.Condition[0].Test != "Bool" || st.Condition[0].Variable != "aws:SecureTransport" || !reflect.DeepEqual(st.Condition[0].Values, []string{"false"}) {
			t.Errorf("principals %+v, condition %+v; want everyone, Bool aws:SecureTransport = false", st.Principals, st.Condition)
		}
	})
	t.Run("no wildcard allows", func(t *testing.T) {
		for _, st := range sts {
			for _, a := range st.Actions {
				if st.Effect == "Allow" && (a == "*" || strings.HasSuffix(a, ":*")) {
					t.Errorf("%s allows %s", st.Sid, a)
				}
			}
		}
	})
}

// TestFrontendHardeningMovedNotReplaced: the bucket's public access block,
// encryption and ownership controls had IDs of their own before the
// privatebucket module; moved blocks carry them over in existing state.
func TestFrontendHardeningMovedNotReplaced(t *testing.T) {
	dev := frontendStacks().dev
	moved, _ := dev.Tree()["moved"].([]any)
	want := map[string]string{
		"aws_s3_bucket_public_access_block.frontend_public_access_block_":         "aws_s3_bucket_public_access_block.frontend_bucket_public_access_block_",
		"aws_s3_bucket_server_side_encryption_configuration.frontend_encryption_": "aws_s3_bucket_server_side_encryption_configuration.frontend_bucket_encryption_",
		"aws_s3_bucket_ownership_controls.frontend_ownership_controls_":           "aws_s3_bucket_ownership_controls.frontend_bucket_ownership_",
	}
	for _, m := range moved {
		m, _ := m.(map[string]any)
		from, to := fmt.Sprint(m["from"]), fmt.Sprint(m["to"])
		for f, tp := range want {
			if strings.HasPrefix(from, f) && strings.HasPrefix(to, tp) {
				delete(want, f)
			}
		}
	}
	if len(want) > 0 {
		t.Errorf("moved blocks %v lack moves from %v", moved, want)
	}
}

func TestFrontendOriginAccessControl(t *testing.T) {
	dev := frontendStacks().dev
	testutil.AssertResource(t, dev, "aws_cloudfront_origin_access_control", map[string]any{
		"name": "proj-dev-ui", "origin_access_control_origin_type": "s3", "signing_behavior": "always", "signing_protocol": "sigv4",
	})
	if n := dev.Count("aws_cloudfront_origin_access_identity"); n != 0 {
		t.Errorf("%d legacy origin access identities, want none", n)
	}
}

func TestFrontendSecurityHeaders(t *testing.T) {
	v := frontendStacks()
	dev, prod := v.dev, v.prod
	testutil.AssertResource(t, dev, "aws_cloudfront_response_headers_policy", map[string]any{
		"name": "proj-dev-ui-security-headers",
		"security_headers_config": map[string]any{
			"strict_transport_security": map[string]any{"access_control_max_age_sec": 63072000, "include_subdomains": true, "preload": true, "override": true},
			"content_type_options":      map[string]any{"override": true},
			"frame_options":             map[string]any{"frame_option": "DENY"},
			"referrer_policy":           map[string]any{"referrer_policy": "strict-origin-when-cross-origin"},
		},
	})
	for _, tt := range []struct {
		name    string
		s       *testutil.Synthesized
		connect []string
	}{
		{"dev", dev, []string{"'self'"}},
		{"prod", prod, []string{"'self'", "wss://builder.example.com"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, p := range tt.s.Resources("aws_cloudfront_response_headers_policy") {
				csp := p["security_headers_config"].(map[string]any)["content_security_policy"].(map[string]any)["content_security_policy"].(string)
				directives := cspDirectives(csp)
				if got := directives["connect-src"]; !reflect.DeepEqual(got, tt.connect) {
					t.Errorf("connect-src = %v, want %v", got, tt.connect)
				}
				for _, problem := range connectProblems(csp) {
					t.Error(problem)
				}
				if got := directives["frame-ancestors"]; !reflect.DeepEqual(got, []string{"'none'"}) {
					t.Errorf("frame-ancestors = %v, want 'none'", got)
				}
				if slices.Contains(directives["script-src"], "'unsafe-inline'") {
					t.Errorf("script-src allows inline scripts: %v", directives["script-src"])
				}
			}
		})
	}
}

func cspDirectives(csp string) map[string][]string {
	directives := map[string][]string{}
	for _, d := range strings.Split(csp, ";") {
		if f := strings.Fields(d); len(f) > 0 {
			directives[f[0]] = f[1:]
		}
	}
	return directives
}

// connectProblems lists connect-src sources that let a page talk to hosts
// other than named ones: bare schemes (wss:, https:), wildcards, a missing
// connect-src (default-src then decides).
func connectProblems(csp string) []string {
	sources, ok := cspDirectives(csp)["connect-src"]
	if !ok {
		return []string{"no connect-src"}
	}
	var out []string
	for _, src := range sources {
		if strings.HasSuffix(src, ":") || strings.Contains(src, "*") {
			out = append(out, "connect-src allows any host: "+src)
		}
	}
	return out
}

// TestFrontendConnectProblemsCatches is the failing twin of connectProblems.
func TestFrontendConnectProblemsCatches(t *testing.T) {
	for csp, want := range map[string]int{
		"default-src 'self'; connect-src 'self' wss:":                   1,
		"connect-src 'self' https: wss://*.cloudfront.net":              2,
		"default-src 'self'":                                            1,
		"connect-src *":                                                 1,
		frontend.ContentSecurityPolicy([]string{"builder.example.com"}): 0,
	} {
		if got := connectProblems(csp); len(got) != want {
			t.Errorf("connectProblems(%q) = %v, want %d problems", csp, got, want)
		}
	}
}

func TestFrontendDistribution(t *testing.T) {
	v := frontendStacks()
	dev, prod := v.dev, v.prod
	headers := dev.Ref("aws_cloudfront_response_headers_policy", "security_headers", "id")
	testutil.AssertResource(t, dev, "aws_cloudfront_distribution", map[string]any{
		"enabled": true, "is_ipv6_enabled": true, "http_version": "http2and3", "default_root_object": "index.html",
		"price_class": "PriceClass_100",
		"default_cache_behavior": map[string]any{
			"target_origin_id":           "ui-bucket",
			"viewer_protocol_policy":     "redirect-to-https",
			"cache_policy_id":            frontend.CachingOptimizedPolicyID,
			"response_headers_policy_id": headers,
			"compress":                   true,
		},
		"restrictions": map[string]any{"geo_restriction": map[string]any{"restriction_type": "none"}},
	})
	testutil.AssertResource(t, prod, "aws_cloudfront_distribution", map[string]any{
		"price_class": "PriceClass_All", "web_acl_id": modulestacks.FrontendACLArn, "is_ipv6_enabled": false,
	})
	// web_acl_id only when given.
	for _, d := range dev.Resources("aws_cloudfront_distribution") {
		if _, ok := d["web_acl_id"]; ok {
			t.Errorf("dev has web_acl_id %v, want none", d["web_acl_id"])
		}
	}
}

func TestFrontendOrigins(t *testing.T) {
	v := frontendStacks()
	dev, prod := v.dev, v.prod
	assertListItem(t, dev, "origin", "origin_id", "ui-bucket", map[string]any{
		"domain_name":              dev.Ref("aws_s3_bucket", "bucket", "bucket_regional_domain_name"),
		"origin_access_control_id": dev.Ref("aws_cloudfront_origin_access_control", "origin_access_control", "id"),
	})
	tests := []struct {
		name     string
		s        *testutil.Synthesized
		domain   string
		protocol string
	}{
		{"dev", dev, *frontendDevProps.BridgeOriginDomain, "http-only"},
		{"prod", prod, *modulestacks.FrontendProdProps().BridgeOriginDomain, "https-only"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertListItem(t, tt.s, "origin", "origin_id", "bridge-alb", map[string]any{
				"domain_name": tt.domain,
				"custom_origin_config": map[string]any{
					"http_port": 80, "https_port": 443, "origin_protocol_policy": tt.protocol,
					"origin_ssl_protocols": []any{"TLSv1.2"}, "origin_read_timeout": 60, "origin_keepalive_timeout": 60,
				},
			})
		})
	}
}

// TestFrontendVpcOrigin: with an internal ALB the bridge origin goes through a VPC
// origin for it (HTTPS, as the ALB has a certificate for the origin's name)
// and has no custom_origin_config; without one there is no VPC origin.
func TestFrontendVpcOrigin(t *testing.T) {
	v := frontendStacks()
	dev, prod, privateALB := v.dev, v.prod, v.privateALB
	testutil.AssertResource(t, privateALB, "aws_cloudfront_vpc_origin", map[string]any{
		"vpc_origin_endpoint_config": []any{map[string]any{
			"name": "proj-prod-bridge", "arn": frontendALBArn, "http_port": 80, "https_port": 443,
			"origin_protocol_policy": "https-only",
			"origin_ssl_protocols":   []any{map[string]any{"items": []any{"TLSv1.2"}, "quantity": 1}},
		}},
	})
	assertListItem(t, privateALB, "origin", "origin_id", "bridge-alb", map[string]any{
		"domain_name": "api.builder.example.com",
		"vpc_origin_config": map[string]any{
			"vpc_origin_id":       privateALB.Ref("aws_cloudfront_vpc_origin", "bridge_vpc_origin", "id"),
			"origin_read_timeout": 60, "origin_keepalive_timeout": 60,
		},
	})
	d := privateALB.Resource(t, "aws_cloudfront_distribution", resourceName(t, privateALB, "aws_cloudfront_distribution", ""))
	for _, o := range d["origin"].([]any) {
		if o := o.(map[string]any); o["origin_id"] == "bridge-alb" && o["custom_origin_config"] != nil {
			t.Errorf("bridge origin has custom_origin_config %v beside its VPC origin", o["custom_origin_config"])
		}
	}
	for name, s := range map[string]*testutil.Synthesized{"dev": dev, "prod": prod} {
		if n := s.Count("aws_cloudfront_vpc_origin"); n != 0 {
			t.Errorf("%s: %d VPC origins without an internal ALB", name, n)
		}
	}
}

func TestFrontendBridgeBehaviors(t *testing.T) {
	dev := frontendStacks().dev
	d := dev.Resource(t, "aws_cloudfront_distribution", resourceName(t, dev, "aws_cloudfront_distribution", ""))
	behaviors, _ := d["ordered_cache_behavior"].([]any)
	var paths []string
	for _, b := range behaviors {
		paths = append(paths, b.(map[string]any)["path_pattern"].(string))
	}
	if want := []string{"/ws*", "/health", "/error-callback", "/api/*"}; !reflect.DeepEqual(paths, want) {
		t.Errorf("ordered behaviors = %v, want %v", paths, want)
	}
	allMethods := []any{"GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"}
	for _, path := range paths {
		t.Run(path, func(t *testing.T) {
			assertListItem(t, dev, "ordered_cache_behavior", "path_pattern", path, map[string]any{
				"target_origin_id":         "bridge-alb",
				"viewer_protocol_policy":   "https-only",
				"allowed_methods":          allMethods,
				"cached_methods":           []any{"GET", "HEAD"},
				"cache_policy_id":          frontend.CachingDisabledPolicyID,
				"origin_request_policy_id": frontend.AllViewerExceptHostHeaderPolicyID,
				"compress":                 false,
			})
		})
	}
}

// TestFrontendSPARouting: the SPA function is on the UI (default) behaviour only,
// and no distribution-wide error mapping turns a bridge 404 into index.html.
func TestFrontendSPARouting(t *testing.T) {
	v := frontendStacks()
	dev, prod := v.dev, v.prod
	for name, s := range map[string]*testutil.Synthesized{"dev": dev, "prod": prod} {
		t.Run(name, func(t *testing.T) {
			testutil.AssertResource(t, s, "aws_cloudfront_function", map[string]any{
				"name":    "proj-" + name + "-spa-routing",
				"runtime": "cloudfront-js-2.0", "publish": true, "code": frontend.SPARoutingCode,
			})
			fn := s.Ref("aws_cloudfront_function", "spa_routing", "arn")
			d := s.Resource(t, "aws_cloudfront_distribution", resourceName(t, s, "aws_cloudfront_distribution", ""))
			want := []any{map[string]any{"event_type": "viewer-request", "function_arn": fn}}
			if got := d["default_cache_behavior"].(map[string]any)["function_association"]; !reflect.DeepEqual(got, want) {
				t.Errorf("default behaviour function_association = %v, want %v", got, want)
			}
			for _, b := range d["ordered_cache_behavior"].([]any) {
				b := b.(map[string]any)
				if fa, ok := b["function_association"]; ok {
					t.Errorf("bridge behaviour %v has function_association %v, want none", b["path_pattern"], fa)
				}
			}
			if cer, ok := d["custom_error_response"]; ok {
				t.Errorf("custom_error_response = %v, want none (it applies to the bridge paths too)", cer)
			}
		})
	}
}

// TestFrontendSPARoutingLogic runs the function's code under node with the event
// shape CloudFront passes: app routes get /index.html, files keep their path.
func TestFrontendSPARoutingLogic(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("node is not on the PATH")
		}
		t.Skip("skipping: node is not on the PATH")
	}
	cases := map[string]string{
		"/":                        "/index.html",
		"/chat/42":                 "/index.html",
		"/settings/":               "/index.html",
		"/workflows/abc-def":       "/index.html",
		"/index.html":              "/index.html",
		"/assets/app.1a2b3c.js":    "/assets/app.1a2b3c.js",
		"/assets/style.css":        "/assets/style.css",
		"/favicon.ico":             "/favicon.ico",
		"/assets/missing.png":      "/assets/missing.png",
		"/deep/path/manifest.json": "/deep/path/manifest.json",
	}
	uris := slices.Sorted(maps.Keys(cases))
	in, _ := json.Marshal(uris)
	// The function runs in a fresh context, as CloudFront runs it: only
	// handler(event) is called; its return value is the request to forward.
	script := `const vm = require("vm"); const ctx = {};
vm.runInNewContext(process.env.CODE, ctx);
const out = JSON.parse(process.env.URIS).map(uri => {
  const req = ctx.handler({version: "1.0", context: {eventType: "viewer-request"},
    request: {method: "GET", uri: uri, querystring: {}, headers: {}, cookies: {}}});
  return req.uri;
});
console.log(JSON.stringify(out));`
	cmd := exec.Command(node, "-e", script)
	cmd.Env = append(os.Environ(), "CODE="+frontend.SPARoutingCode, "URIS="+string(in))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	var got []string
	if err := json.Unmarshal(out, &got); err != nil || len(got) != len(uris) {
		t.Fatalf("node printed %s (%v)", out, err)
	}
	for i, uri := range uris {
		if got[i] != cases[uri] {
			t.Errorf("%s -> %s, want %s", uri, got[i], cases[uri])
		}
	}
}

func TestFrontendViewerCertificate(t *testing.T) {
	v := frontendStacks()
	dev, prod := v.dev, v.prod
	testutil.AssertResource(t, dev, "aws_cloudfront_distribution", map[string]any{
		"viewer_certificate": map[string]any{"cloudfront_default_certificate": true},
	})
	testutil.AssertResource(t, prod, "aws_cloudfront_distribution", map[string]any{
		"aliases": []any{"builder.example.com"},
		"viewer_certificate": map[string]any{
			"acm_certificate_arn": modulestacks.FrontendCertArn, "ssl_support_method": "sni-only", "minimum_protocol_version": "TLSv1.2_2021",
		},
	})
	testutil.RefuteResource(t, prod, "aws_cloudfront_distribution", map[string]any{
		"viewer_certificate": map[string]any{"cloudfront_default_certificate": true},
	})
	for _, d := range dev.Resources("aws_cloudfront_distribution") {
		if _, ok := d["aliases"]; ok {
			t.Errorf("dev has aliases %v, want none", d["aliases"])
		}
	}
}

func TestFrontendMisusePanics(t *testing.T) {
	tests := []struct {
		name  string
		props frontend.Props
		want  string
	}{
		{"no prefix", frontend.Props{BridgeOriginDomain: jsii.String("x")}, "NamePrefix"},
		{"no origin", frontend.Props{NamePrefix: "p-e"}, "BridgeOriginDomain"},
		{"aliases without certificate", frontend.Props{NamePrefix: "p-e", BridgeOriginDomain: jsii.String("x"), Aliases: []string{"a.example.com"}}, "CertificateArn"},
		{"certificate without aliases", frontend.Props{NamePrefix: "p-e", BridgeOriginDomain: jsii.String("x"), CertificateArn: jsii.String(modulestacks.FrontendCertArn)}, "without Aliases"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				r := recover()
				if msg, _ := r.(string); !strings.Contains(msg, tt.want) {
					t.Errorf("panic = %v, want one mentioning %q", r, tt.want)
				}
			}()
			// The panic comes before any construct is made: no stack needed.
			frontend.New(nil, "frontend", tt.props)
		})
	}
}

// assertListItem finds, in the one distribution's list attribute (origin,
// ordered_cache_behavior), the item whose key is value, and checks that it
// has want (a subset; nested maps and lists compared recursively).
// cdktf's matcher cannot express "the list holds an item like this".
func assertListItem(t *testing.T, s *testutil.Synthesized, attr, key, value string, want map[string]any) {
	t.Helper()
	d := s.Resource(t, "aws_cloudfront_distribution", resourceName(t, s, "aws_cloudfront_distribution", ""))
	items, _ := d[attr].([]any)
	for _, it := range items {
		if m, _ := it.(map[string]any); m[key] == value {
			var norm map[string]any
			convert(t, want, &norm) // ints to float64, as parsed JSON has them
			if !subset(m, norm) {
				t.Errorf("%s %s=%s:\n got %v\nwant %v", attr, key, value, m, norm)
			}
			return
		}
	}
	t.Errorf("no %s with %s=%s in %v", attr, key, value, items)
}

// TestFrontendSubset is the failing twin of assertListItem's comparison.
func TestFrontendSubset(t *testing.T) {
	got := map[string]any{"a": 1.0, "b": map[string]any{"c": []any{"x", "y"}, "d": true}}
	for _, tt := range []struct {
		want map[string]any
		ok   bool
	}{
		{map[string]any{"a": 1.0}, true},
		{map[string]any{"b": map[string]any{"c": []any{"x", "y"}}}, true},
		{map[string]any{"a": 2.0}, false},
		{map[string]any{"b": map[string]any{"c": []any{"x"}}}, false},
		{map[string]any{"b": map[string]any{"d": false}}, false},
		{map[string]any{"e": nil}, true}, // absent equals nil
		{map[string]any{"e": "x"}, false},
	} {
		if subset(got, tt.want) != tt.ok {
			t.Errorf("subset(%v, %v) = %v, want %v", got, tt.want, !tt.ok, tt.ok)
		}
	}
}

// subset reports whether got has every key of want with an equal value
// (recursively for maps; lists must be equal in length, item by item).
func subset(got, want any) bool {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return false
		}
		for k, v := range w {
			if !subset(g[k], v) {
				return false
			}
		}
		return true
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for i := range w {
			if !subset(g[i], w[i]) {
				return false
			}
		}
		return true
	default:
		return reflect.DeepEqual(got, want)
	}
}

// convert re-decodes a parsed JSON value into a typed one.
func convert(t *testing.T, v, out any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err == nil {
		err = json.Unmarshal(b, out)
	}
	if err != nil {
		t.Fatal(err)
	}
}
