################################################################################
# General
################################################################################

variable "name" {
  description = "Name prefix of every resource (and the ECS cluster's name)."
  type        = string
  default     = "sluice"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,27}$", var.name))
    error_message = "name is 2 to 28 lower-case letters, digits and hyphens, starting with a letter."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}

variable "image" {
  description = "The Sluice container image (this repository's Dockerfile), e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com/sluice:1.4.0. Pin a tag or a digest."
  type        = string

  validation {
    condition     = length(var.image) > 0 && !endswith(var.image, ":latest")
    error_message = "image must name a tag or a digest other than latest."
  }
}

variable "kms_key_arn" {
  description = "A customer-managed KMS key for the database, Redis, secrets and logs; null makes one."
  type        = string
  default     = null
}

################################################################################
# Network
################################################################################

variable "vpc_id" {
  description = "An existing VPC; null creates one (with vpc_cidr, public and private subnets in two zones, one NAT gateway)."
  type        = string
  default     = null
}

variable "public_subnet_ids" {
  description = "Subnets of vpc_id for the load balancer (at least two zones); required with vpc_id."
  type        = list(string)
  default     = []
}

variable "private_subnet_ids" {
  description = "Subnets of vpc_id for the tasks, the database and Redis (at least two zones, with a route out for webhooks and pull sources); required with vpc_id."
  type        = list(string)
  default     = []
}

variable "vpc_cidr" {
  description = "The CIDR block of the VPC made when vpc_id is null."
  type        = string
  default     = "10.42.0.0/16"

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0))
    error_message = "vpc_cidr must be a CIDR block."
  }
}

variable "allowed_cidr_blocks" {
  description = "Who may reach the load balancer (ports 80 and 443)."
  type        = list(string)
  default     = ["0.0.0.0/0"]

  validation {
    condition     = alltrue([for cidr in var.allowed_cidr_blocks : can(cidrhost(cidr, 0))])
    error_message = "allowed_cidr_blocks must be CIDR blocks."
  }
}

################################################################################
# Load balancer
################################################################################

variable "certificate_arn" {
  description = "The ACM certificate of the HTTPS listener."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:acm:", var.certificate_arn))
    error_message = "certificate_arn must be an ACM certificate's ARN."
  }
}

variable "ssl_policy" {
  description = "The HTTPS listener's TLS policy."
  type        = string
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"
}

variable "alb_access_logs_bucket" {
  description = "An S3 bucket for the load balancer's access logs; null keeps none."
  type        = string
  default     = null
}

variable "deletion_protection" {
  description = "Protect the load balancer and the database from deletion."
  type        = bool
  default     = true
}

################################################################################
# Services
################################################################################

variable "api" {
  description = "The API service (sluice serve, workers off): task size, and the bounds and CPU target of its autoscaling."
  type = object({
    cpu                 = optional(number, 1024)
    memory              = optional(number, 2048)
    min_count           = optional(number, 2)
    max_count           = optional(number, 10)
    cpu_target          = optional(number, 60)
    requests_per_target = optional(number, 2000)
  })
  default = {}

  validation {
    condition     = var.api.min_count >= 1 && var.api.max_count >= var.api.min_count && var.api.cpu_target > 0 && var.api.cpu_target <= 100
    error_message = "api: 1 <= min_count <= max_count, 0 < cpu_target <= 100."
  }
}

variable "worker" {
  description = "The worker service (sluice worker: webhooks, pull sources, rollups): task size, concurrency, and the bounds and CPU target of its autoscaling."
  type = object({
    cpu         = optional(number, 1024)
    memory      = optional(number, 2048)
    min_count   = optional(number, 1)
    max_count   = optional(number, 6)
    cpu_target  = optional(number, 60)
    concurrency = optional(number, 16)
  })
  default = {}

  validation {
    condition     = var.worker.min_count >= 1 && var.worker.max_count >= var.worker.min_count && var.worker.concurrency >= 1
    error_message = "worker: 1 <= min_count <= max_count, concurrency >= 1."
  }
}

variable "environment" {
  description = "More SLUICE_* settings for both services (plans, limits, timeouts; see the README's Configuration). Secrets do not go here."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for key in keys(var.environment) : can(regex("^SLUICE_[A-Z0-9_]+$", key)) && !contains(["SLUICE_JWT_KEYS", "SLUICE_SECRETS_KEY", "SLUICE_AUDIT_KEYS", "SLUICE_DATABASE_PASSWORD", "SLUICE_DATABASE_URL", "SLUICE_REDIS_PASSWORD"], key)])
    error_message = "environment takes SLUICE_* names only, and no secret (those come from Secrets Manager)."
  }
}

variable "log_retention_days" {
  description = "How long CloudWatch keeps the services' logs (they hold the audit trail's context)."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts."
  }
}

variable "stop_timeout_seconds" {
  description = "How long ECS waits after SIGTERM before SIGKILL; Sluice drains within SLUICE_SHUTDOWN_TIMEOUT_SECONDS, set 10 s below it."
  type        = number
  default     = 60

  validation {
    condition     = var.stop_timeout_seconds >= 15 && var.stop_timeout_seconds <= 120
    error_message = "stop_timeout_seconds is 15 to 120 (the Fargate maximum)."
  }
}

################################################################################
# Database
################################################################################

variable "db" {
  description = "RDS PostgreSQL 15: instance class, storage, Multi-AZ, backups."
  type = object({
    engine_version          = optional(string, "15")
    instance_class          = optional(string, "db.t4g.medium")
    allocated_storage       = optional(number, 50)
    max_allocated_storage   = optional(number, 500)
    multi_az                = optional(bool, false)
    backup_retention_period = optional(number, 14)
    pool_size               = optional(number, 20)
  })
  default = {}

  validation {
    condition     = startswith(var.db.engine_version, "15") && var.db.backup_retention_period >= 1 && var.db.backup_retention_period <= 35
    error_message = "db: PostgreSQL 15, backups kept 1 to 35 days."
  }
}

################################################################################
# Redis
################################################################################

variable "redis" {
  description = "ElastiCache Redis: node type and the number of nodes (more than one: automatic failover across zones)."
  type = object({
    engine_version = optional(string, "7.1")
    node_type      = optional(string, "cache.t4g.small")
    nodes          = optional(number, 2)
  })
  default = {}

  validation {
    condition     = var.redis.nodes >= 1 && var.redis.nodes <= 6
    error_message = "redis: 1 to 6 nodes."
  }
}
