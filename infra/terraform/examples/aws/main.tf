# Sluice on AWS: a VPC of its own, the API behind an HTTPS load balancer, the workers apart,
# RDS PostgreSQL 15 and ElastiCache Redis, secrets in Secrets Manager. See README.md.

provider "aws" {
  region = var.region

  default_tags {
    tags = { project = var.name }
  }
}

module "sluice" {
  source = "../../modules/sluice"

  name            = var.name
  image           = var.image
  certificate_arn = var.certificate_arn

  # Kept on even for a trial: turning them off is a deliberate edit before a destroy.
  deletion_protection = true
  log_retention_days  = 365

  api = {
    min_count = var.production ? 3 : 1
    max_count = var.production ? 12 : 3
  }
  worker = {
    min_count   = var.production ? 2 : 1
    max_count   = var.production ? 8 : 2
    concurrency = 32
  }
  db = {
    instance_class = var.production ? "db.r6g.large" : "db.t4g.medium"
    multi_az       = var.production
  }
  # Two nodes in two zones (automatic failover) in every deployment: Redis holds the limits.
  redis = {
    nodes     = 2
    node_type = var.production ? "cache.r7g.large" : "cache.t4g.small"
  }
  environment = {
    SLUICE_RATE_LIMIT_ON_REDIS_FAILURE = "open"
  }
}
