package main

// This file is the only place prices live. Every figure is an AWS public list
// price for US East (N. Virginia), us-east-1, on-demand, without taxes,
// Savings Plans, credits or account free tiers (CloudFront's always-free tier
// is the one exception, applied in estimate.go as the issue asks). Each price
// names the pricing page it comes from. There is no live price look-up: the
// build has no network access to the AWS Price List API.
//
// To refresh: open each URL, compare, change the figure and pricesAsOf.

// pricedRegion is the only region this table prices.
const pricedRegion = "us-east-1"

// pricesAsOf says when the figures below were the published list prices.
const pricesAsOf = "AWS list prices for us-east-1 as published in 2025"

// Pricing pages, one per service.
const (
	urlVPC        = "https://aws.amazon.com/vpc/pricing/"
	urlELB        = "https://aws.amazon.com/elasticloadbalancing/pricing/"
	urlFargate    = "https://aws.amazon.com/fargate/pricing/"
	urlCloudWatch = "https://aws.amazon.com/cloudwatch/pricing/"
	urlSecrets    = "https://aws.amazon.com/secrets-manager/pricing/"
	urlKMS        = "https://aws.amazon.com/kms/pricing/"
	urlECR        = "https://aws.amazon.com/ecr/pricing/"
	urlS3         = "https://aws.amazon.com/s3/pricing/"
	urlCloudFront = "https://aws.amazon.com/cloudfront/pricing/"
	urlWAF        = "https://aws.amazon.com/waf/pricing/"
	urlRoute53    = "https://aws.amazon.com/route53/pricing/"
	urlACM        = "https://aws.amazon.com/certificate-manager/pricing/"
)

// price is one list price: dollars per unit, and where it is published.
type price struct {
	USD  float64
	Unit string
	URL  string
}

// Prices for us-east-1. The names say the unit; Unit says it again for output.
var (
	// NAT gateway: per hour, and per GB processed (both directions).
	priceNATHour = price{0.045, "NAT gateway-hour", urlVPC}
	priceNATGB   = price{0.045, "GB processed", urlVPC}
	// Public IPv4 address, in use or idle (EIPs, ALB nodes, task public IPs),
	// charged since 2024-02-01 (tab "Public IPv4 Address" of the VPC page).
	priceIPv4Hour = price{0.005, "public IPv4 address-hour", urlVPC}

	// Application Load Balancer.
	priceALBHour = price{0.0225, "ALB-hour", urlELB}
	priceLCUHour = price{0.008, "LCU-hour", urlELB}

	// Fargate, Linux. Spot has no fixed list price (the page shows a current
	// Spot price that moves with supply and demand); it is priced as the
	// on-demand rate less Assumptions.SpotDiscount.
	priceFargateX86VCPU = price{0.04048, "vCPU-hour (Linux/x86)", urlFargate}
	priceFargateX86GB   = price{0.004445, "GB-hour (Linux/x86)", urlFargate}
	priceFargateARMVCPU = price{0.03238, "vCPU-hour (Linux/ARM)", urlFargate}
	priceFargateARMGB   = price{0.00356, "GB-hour (Linux/ARM)", urlFargate}
	// Ephemeral storage above the 20 GB every task gets free.
	priceFargateStorageGB = price{0.000111, "GB-hour of ephemeral storage above 20 GB", urlFargate}

	// CloudWatch (standard log class; vended logs such as VPC flow logs cost the
	// same for the first 10 TB a month).
	priceLogIngestGB  = price{0.50, "GB ingested", urlCloudWatch}
	priceLogStoreGB   = price{0.03, "GB-month stored", urlCloudWatch}
	priceMetricMonth  = price{0.30, "custom metric-month (first 10,000)", urlCloudWatch}
	priceAlarmMonth   = price{0.10, "standard-resolution alarm-month", urlCloudWatch}
	priceSecretMonth  = price{0.40, "secret-month", urlSecrets}
	priceSecret10kAPI = price{0.05, "10,000 API calls", urlSecrets}
	priceKMSKeyMonth  = price{1.00, "customer managed key-month", urlKMS}

	// ECR and S3 storage (S3 Standard, first 50 TB).
	priceECRGBMonth = price{0.10, "GB-month", urlECR}
	priceS3GBMonth  = price{0.023, "GB-month (S3 Standard)", urlS3}

	// CloudFront, United States/Mexico/Canada edge rates (first 10 TB; HTTPS).
	priceCDNGB          = price{0.085, "GB out to the internet", urlCloudFront}
	priceCDN10kRequests = price{0.0100, "10,000 HTTPS requests", urlCloudFront}
	// CloudFront's always-free tier, per month.
	cdnFreeGB       = 1024.0
	cdnFreeRequests = 10_000_000.0

	// WAF: web ACL, rule (an AWS managed rule group counts as one rule), requests.
	priceWebACLMonth     = price{5.00, "web ACL-month", urlWAF}
	priceWAFRuleMonth    = price{1.00, "rule-month", urlWAF}
	priceWAFMillionCalls = price{0.60, "million requests", urlWAF}

	// Route 53: alias queries to CloudFront and ALBs are free; records are not
	// billed (up to 10,000 per zone). The hosted zone is the user's, not the
	// stack's, so its price is quoted in notes but not added.
	priceHostedZoneMonth = price{0.50, "hosted zone-month", urlRoute53}

	// ACM public certificates are free.
	priceCertificate = price{0, "public certificate", urlACM}
)
