package main

// Every price: AWS list prices for us-east-1, on-demand, without taxes, Savings Plans, credits or
// free tiers (but CloudFront's always-free one), under their pricing page. No live look-up (the
// build has no network): to refresh, open each page, compare, change the figures and pricesAsOf.

const pricedRegion, pricesAsOf = "us-east-1", "AWS list prices for us-east-1 as published in 2025"

// price is one list price: dollars per unit (each entry names its unit).
type price struct{ USD float64 }

var (
	// https://aws.amazon.com/vpc/pricing/ (public IPv4 addresses, in use or
	// idle, since 2024-02-01: tab "Public IPv4 Address")
	priceNATHour  = price{0.045} // NAT gateway-hour
	priceNATGB    = price{0.045} // GB processed (both directions)
	priceIPv4Hour = price{0.005} // public IPv4 address-hour

	// https://aws.amazon.com/elasticloadbalancing/pricing/
	priceALBHour = price{0.0225} // ALB-hour
	priceLCUHour = price{0.008}  // LCU-hour

	// https://aws.amazon.com/fargate/pricing/ (Linux). Spot has no fixed list
	// price (the page shows one that moves): it is on-demand less -spot-discount.
	priceFargateX86VCPU   = price{0.04048}  // vCPU-hour (x86)
	priceFargateX86GB     = price{0.004445} // GB-hour (x86)
	priceFargateARMVCPU   = price{0.03238}  // vCPU-hour (ARM)
	priceFargateARMGB     = price{0.00356}  // GB-hour (ARM)
	priceFargateStorageGB = price{0.000111} // GB-hour of ephemeral storage above the free 20 GB

	// https://aws.amazon.com/cloudwatch/pricing/ (standard log class; vended
	// logs such as VPC flow logs cost the same for the first 10 TB a month)
	priceLogIngestGB = price{0.50} // GB ingested
	priceLogStoreGB  = price{0.03} // GB-month stored
	priceMetricMonth = price{0.30} // custom metric-month (first 10,000)
	priceAlarmMonth  = price{0.10} // standard-resolution alarm metric-month
	// Dashboards beyond the account's first three (a free tier, not taken off).
	priceDashboardMonth = price{3.00} // dashboard-month
	// https://aws.amazon.com/aws-cost-management/aws-budgets/pricing/: budgets
	// beyond the account's first two (a free tier, not taken off).
	priceBudgetDay = price{0.02} // budget-day

	// https://aws.amazon.com/secrets-manager/pricing/ and https://aws.amazon.com/kms/pricing/
	priceSecretMonth  = price{0.40}  // secret-month
	priceSecret10kAPI = price{0.05}  // 10,000 API calls
	priceKMSKeyMonth  = price{1.00}  // customer managed key-month
	priceECRGBMonth   = price{0.10}  // GB-month; https://aws.amazon.com/ecr/pricing/
	priceS3GBMonth    = price{0.023} // GB-month (S3 Standard, first 50 TB); https://aws.amazon.com/s3/pricing/

	// https://aws.amazon.com/cloudfront/pricing/ (United States, Mexico and
	// Canada; first 10 TB; HTTPS) and its always-free tier per month
	priceCDNGB          = price{0.085}  // GB out to the internet
	priceCDN10kRequests = price{0.0100} // 10,000 HTTPS requests
	cdnFreeGB           = 1024.0
	cdnFreeRequests     = 10_000_000.0
	// https://aws.amazon.com/cloudfront/pricing/ (CloudFront Functions; the
	// always-free tier includes 2 million invocations a month)
	priceCFFunctionMillion = price{0.10} // million invocations
	cfFunctionFree         = 2_000_000.0

	// https://aws.amazon.com/waf/pricing/ (an AWS managed rule group counts as
	// one rule; IP sets cost nothing)
	priceWebACLMonth     = price{5.00} // web ACL-month
	priceWAFRuleMonth    = price{1.00} // rule-month
	priceWAFMillionCalls = price{0.60} // million requests

	// https://aws.amazon.com/route53/pricing/: the hosted zone is the user's,
	// named under "Not counted"; records and alias queries are free (see free).
	priceHostedZoneMonth = price{0.50} // hosted zone-month
)
