data "aws_region" "current" {}
data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

data "aws_availability_zones" "available" {
  #checkov:skip=CKV_AWS_394:Only the first two zones' names are used (local.azs); a zone AWS adds later changes nothing here.
  state = "available"
}

locals {
  create_vpc = var.vpc_id == null
  azs        = slice(data.aws_availability_zones.available.names, 0, 2)

  vpc_id             = local.create_vpc ? aws_vpc.this[0].id : var.vpc_id
  vpc_cidr           = local.create_vpc ? var.vpc_cidr : data.aws_vpc.given[0].cidr_block
  public_subnet_ids  = local.create_vpc ? aws_subnet.public[*].id : var.public_subnet_ids
  private_subnet_ids = local.create_vpc ? aws_subnet.private[*].id : var.private_subnet_ids

  kms_key_arn = var.kms_key_arn != null ? var.kms_key_arn : aws_kms_key.this[0].arn
  port        = 8080

  tags = merge({ "app" = "sluice", "managed-by" = "terraform" }, var.tags)
}

################################################################################
# KMS: one key for the database, Redis, the secrets and the logs
################################################################################

resource "aws_kms_key" "this" {
  count = var.kms_key_arn == null ? 1 : 0

  description             = "${var.name}: database, Redis, secrets and logs"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "Account"
        Effect    = "Allow"
        Principal = { AWS = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "CloudWatchLogs"
        Effect    = "Allow"
        Principal = { Service = "logs.${data.aws_region.current.name}.amazonaws.com" }
        Action    = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
        Resource  = "*"
        Condition = {
          ArnLike = { "kms:EncryptionContext:aws:logs:arn" = "arn:${data.aws_partition.current.partition}:logs:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:log-group:/ecs/${var.name}/*" }
        }
      },
    ]
  })
  tags = local.tags
}

################################################################################
# Network (when no VPC is given): two zones, public subnets for the load balancer,
# private ones for everything else, one NAT gateway for the tasks' way out
################################################################################

data "aws_vpc" "given" {
  count = local.create_vpc ? 0 : 1
  id    = var.vpc_id
}

resource "aws_vpc" "this" {
  count = local.create_vpc ? 1 : 0

  cidr_block           = var.vpc_cidr
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags                 = merge(local.tags, { Name = var.name })
}

# No rule: the VPC's default security group allows nothing.
resource "aws_default_security_group" "this" {
  count  = local.create_vpc ? 1 : 0
  vpc_id = aws_vpc.this[0].id
  tags   = merge(local.tags, { Name = "${var.name}-default-closed" })
}

resource "aws_flow_log" "this" {
  count = local.create_vpc ? 1 : 0

  vpc_id               = aws_vpc.this[0].id
  traffic_type         = "REJECT"
  log_destination_type = "cloud-watch-logs"
  log_destination      = aws_cloudwatch_log_group.flow[0].arn
  iam_role_arn         = aws_iam_role.flow[0].arn
  tags                 = local.tags
}

resource "aws_cloudwatch_log_group" "flow" {
  count = local.create_vpc ? 1 : 0

  name              = "/ecs/${var.name}/vpc-flow"
  retention_in_days = var.log_retention_days
  kms_key_id        = local.kms_key_arn
  tags              = local.tags
}

resource "aws_iam_role" "flow" {
  count = local.create_vpc ? 1 : 0

  name = "${var.name}-vpc-flow"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "vpc-flow-logs.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
  tags = local.tags
}

resource "aws_iam_role_policy" "flow" {
  count = local.create_vpc ? 1 : 0

  role = aws_iam_role.flow[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
      Resource = "${aws_cloudwatch_log_group.flow[0].arn}:*"
    }]
  })
}

resource "aws_internet_gateway" "this" {
  count  = local.create_vpc ? 1 : 0
  vpc_id = aws_vpc.this[0].id
  tags   = merge(local.tags, { Name = var.name })
}

resource "aws_subnet" "public" {
  count = local.create_vpc ? 2 : 0

  vpc_id            = aws_vpc.this[0].id
  availability_zone = local.azs[count.index]
  cidr_block        = cidrsubnet(var.vpc_cidr, 4, count.index)
  tags              = merge(local.tags, { Name = "${var.name}-public-${local.azs[count.index]}" })
}

resource "aws_subnet" "private" {
  count = local.create_vpc ? 2 : 0

  vpc_id            = aws_vpc.this[0].id
  availability_zone = local.azs[count.index]
  cidr_block        = cidrsubnet(var.vpc_cidr, 4, count.index + 8)
  tags              = merge(local.tags, { Name = "${var.name}-private-${local.azs[count.index]}" })
}

resource "aws_eip" "nat" {
  count  = local.create_vpc ? 1 : 0
  domain = "vpc"
  tags   = merge(local.tags, { Name = "${var.name}-nat" })
}

resource "aws_nat_gateway" "this" {
  count = local.create_vpc ? 1 : 0

  allocation_id = aws_eip.nat[0].id
  subnet_id     = aws_subnet.public[0].id
  tags          = merge(local.tags, { Name = var.name })
  depends_on    = [aws_internet_gateway.this]
}

resource "aws_route_table" "public" {
  count  = local.create_vpc ? 1 : 0
  vpc_id = aws_vpc.this[0].id

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.this[0].id
  }
  tags = merge(local.tags, { Name = "${var.name}-public" })
}

resource "aws_route_table" "private" {
  count  = local.create_vpc ? 1 : 0
  vpc_id = aws_vpc.this[0].id

  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.this[0].id
  }
  tags = merge(local.tags, { Name = "${var.name}-private" })
}

resource "aws_route_table_association" "public" {
  count          = local.create_vpc ? 2 : 0
  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public[0].id
}

resource "aws_route_table_association" "private" {
  count          = local.create_vpc ? 2 : 0
  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private[0].id
}

################################################################################
# Security groups: the world reaches the load balancer only; the load balancer the API
# tasks only; the tasks (API and workers) the database and Redis only
################################################################################

resource "aws_security_group" "alb" {
  name        = "${var.name}-alb"
  description = "The load balancer: HTTPS (and HTTP, redirected) from allowed_cidr_blocks"
  vpc_id      = local.vpc_id
  tags        = local.tags
}

resource "aws_vpc_security_group_ingress_rule" "alb" {
  for_each = { for pair in setproduct([80, 443], var.allowed_cidr_blocks) : "${pair[0]}-${pair[1]}" => pair }

  security_group_id = aws_security_group.alb.id
  description       = each.value[0] == 443 ? "HTTPS" : "HTTP, redirected to HTTPS"
  ip_protocol       = "tcp"
  from_port         = each.value[0]
  to_port           = each.value[0]
  cidr_ipv4         = each.value[1]
}

resource "aws_vpc_security_group_egress_rule" "alb_to_api" {
  security_group_id            = aws_security_group.alb.id
  description                  = "To the API tasks"
  ip_protocol                  = "tcp"
  from_port                    = local.port
  to_port                      = local.port
  referenced_security_group_id = aws_security_group.api.id
}

resource "aws_security_group" "api" {
  name        = "${var.name}-api"
  description = "API tasks: reached by the load balancer only"
  vpc_id      = local.vpc_id
  tags        = local.tags
}

resource "aws_vpc_security_group_ingress_rule" "api_from_alb" {
  security_group_id            = aws_security_group.api.id
  description                  = "From the load balancer"
  ip_protocol                  = "tcp"
  from_port                    = local.port
  to_port                      = local.port
  referenced_security_group_id = aws_security_group.alb.id
}

resource "aws_security_group" "worker" {
  name        = "${var.name}-worker"
  description = "Worker tasks: reached by nothing"
  vpc_id      = local.vpc_id
  tags        = local.tags
}

# The tasks go out: to the database and Redis, and (webhooks, pull sources, AWS APIs) to
# the internet over HTTP(S) through the NAT gateway. Sluice itself refuses private and
# link-local targets for webhooks and pull sources (SLUICE_WEBHOOK_ALLOW_PRIVATE_NETWORKS off).
locals {
  task_groups = { api = aws_security_group.api.id, worker = aws_security_group.worker.id }
  task_egress = {
    https = { port = 443, cidr = "0.0.0.0/0", to = null, description = "HTTPS out: webhooks, pull sources, AWS APIs, the image registry" }
    http  = { port = 80, cidr = "0.0.0.0/0", to = null, description = "HTTP out: webhooks and pull sources to plain-HTTP endpoints" }
    db    = { port = 5432, cidr = null, to = aws_security_group.db.id, description = "To PostgreSQL" }
    redis = { port = 6379, cidr = null, to = aws_security_group.redis.id, description = "To Redis" }
  }
}

resource "aws_vpc_security_group_egress_rule" "tasks" {
  for_each = { for pair in setproduct(keys(local.task_groups), keys(local.task_egress)) : "${pair[0]}-${pair[1]}" => merge(local.task_egress[pair[1]], { from = local.task_groups[pair[0]] }) }

  security_group_id            = each.value.from
  description                  = each.value.description
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
  cidr_ipv4                    = each.value.cidr
  referenced_security_group_id = each.value.to
}

resource "aws_security_group" "db" {
  name        = "${var.name}-db"
  description = "PostgreSQL: reached by the tasks only"
  vpc_id      = local.vpc_id
  tags        = local.tags
}

resource "aws_security_group" "redis" {
  name        = "${var.name}-redis"
  description = "Redis: reached by the tasks only"
  vpc_id      = local.vpc_id
  tags        = local.tags
}

# PostgreSQL and Redis admit the tasks (API and workers), and nothing else.
resource "aws_vpc_security_group_ingress_rule" "stores" {
  for_each = {
    for pair in setproduct(["db", "redis"], keys(local.task_groups)) : "${pair[0]}-${pair[1]}" => {
      group = pair[0] == "db" ? aws_security_group.db.id : aws_security_group.redis.id
      port  = pair[0] == "db" ? 5432 : 6379
      what  = pair[0] == "db" ? "PostgreSQL" : "Redis"
      from  = pair[1]
    }
  }

  security_group_id            = each.value.group
  description                  = "${each.value.what} from the ${each.value.from} tasks"
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
  referenced_security_group_id = local.task_groups[each.value.from]
}

################################################################################
# Load balancer: HTTPS to the API tasks; HTTP answers with a redirect
################################################################################

resource "aws_lb" "this" {
  #checkov:skip=CKV2_AWS_28:A WAF is the operator's choice (and cost); attach one with aws_wafv2_web_acl_association to the output alb_arn.
  #checkov:skip=CKV_AWS_91:Access logs need a bucket of the operator's (alb_access_logs_bucket); off by default.
  name                       = var.name
  load_balancer_type         = "application"
  internal                   = false
  security_groups            = [aws_security_group.alb.id]
  subnets                    = local.public_subnet_ids
  drop_invalid_header_fields = true
  enable_deletion_protection = var.deletion_protection
  idle_timeout               = 120

  dynamic "access_logs" {
    for_each = var.alb_access_logs_bucket == null ? [] : [var.alb_access_logs_bucket]
    content {
      bucket  = access_logs.value
      prefix  = var.name
      enabled = true
    }
  }
  tags = local.tags
}

resource "aws_lb_target_group" "api" {
  name                 = "${var.name}-api"
  port                 = local.port
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = local.vpc_id
  deregistration_delay = 30

  # Ready: PostgreSQL reachable and the schema current (GET /readyz); a task that is not is
  # taken out of the rotation, and replaced by ECS if its container's /healthz fails too.
  health_check {
    path                = "/readyz"
    matcher             = "200"
    interval            = 15
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }
  tags = local.tags
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = var.ssl_policy
  certificate_arn   = var.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.api.arn
  }
  tags = local.tags
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "redirect"
    redirect {
      port        = "443"
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }
  }
  tags = local.tags
}

################################################################################
# PostgreSQL 15 (RDS): encrypted, private, its master password kept by RDS in Secrets
# Manager; TLS required
################################################################################

resource "aws_db_subnet_group" "this" {
  name       = var.name
  subnet_ids = local.private_subnet_ids
  tags       = local.tags
}

resource "aws_db_parameter_group" "this" {
  name   = "${var.name}-postgres15"
  family = "postgres15"

  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }
  parameter {
    name  = "log_min_duration_statement"
    value = "1000"
  }
  parameter {
    name  = "log_lock_waits"
    value = "1"
  }
  parameter {
    name         = "idle_in_transaction_session_timeout"
    value        = "60000"
    apply_method = "immediate"
  }
  tags = local.tags

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_iam_role" "rds_monitoring" {
  name = "${var.name}-rds-monitoring"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "monitoring.rds.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
  tags = local.tags
}

resource "aws_iam_role_policy_attachment" "rds_monitoring" {
  role       = aws_iam_role.rds_monitoring.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
}

resource "aws_db_instance" "this" {
  #checkov:skip=CKV_AWS_161:Sluice signs in with a password (postgres-nio has no IAM token refresh); the password is RDS-managed and rotated by RDS.
  #checkov:skip=CKV_AWS_157:Multi-AZ is the db.multi_az input (off for small deployments, on in production; see the README).
  #checkov:skip=CKV_AWS_133:Backups are var.db.backup_retention_period, 1 to 35 days by its validation (default 14); checkov does not read optional() defaults.
  #checkov:skip=CKV2_AWS_30:Query logging is log_min_duration_statement (slow statements), not every statement: events carry tenants' data.
  identifier     = var.name
  engine         = "postgres"
  engine_version = var.db.engine_version
  instance_class = var.db.instance_class

  db_name  = "sluice"
  username = "sluice"
  # The password is made, kept and rotated by RDS in Secrets Manager; the tasks read it from there.
  manage_master_user_password   = true
  master_user_secret_kms_key_id = local.kms_key_arn

  allocated_storage     = var.db.allocated_storage
  max_allocated_storage = var.db.max_allocated_storage
  storage_type          = "gp3"
  storage_encrypted     = true
  kms_key_id            = local.kms_key_arn

  db_subnet_group_name   = aws_db_subnet_group.this.name
  vpc_security_group_ids = [aws_security_group.db.id]
  publicly_accessible    = false
  multi_az               = var.db.multi_az
  parameter_group_name   = aws_db_parameter_group.this.name
  ca_cert_identifier     = "rds-ca-rsa2048-g1"

  backup_retention_period   = var.db.backup_retention_period
  backup_window             = "03:00-04:00"
  maintenance_window        = "sun:04:30-sun:05:30"
  copy_tags_to_snapshot     = true
  deletion_protection       = var.deletion_protection
  skip_final_snapshot       = false
  final_snapshot_identifier = "${var.name}-final"

  auto_minor_version_upgrade      = true
  performance_insights_enabled    = true
  performance_insights_kms_key_id = local.kms_key_arn
  monitoring_interval             = 60
  monitoring_role_arn             = aws_iam_role.rds_monitoring.arn
  enabled_cloudwatch_logs_exports = ["postgresql", "upgrade"]
  tags                            = local.tags
}

################################################################################
# Redis (ElastiCache): TLS in transit, AUTH, encrypted at rest, failover across zones
################################################################################

data "aws_secretsmanager_random_password" "redis" {
  password_length     = 64
  exclude_punctuation = true
}

resource "aws_elasticache_subnet_group" "this" {
  name       = var.name
  subnet_ids = local.private_subnet_ids
  tags       = local.tags
}

resource "aws_elasticache_replication_group" "this" {
  #checkov:skip=CKV2_AWS_50:Automatic failover and Multi-AZ follow redis.nodes: on with two or more (the default, and the example's); one node is for a trial.
  replication_group_id       = var.name
  description                = "${var.name}: rate limits, quotas, API key cache"
  engine                     = "redis"
  engine_version             = var.redis.engine_version
  node_type                  = var.redis.node_type
  num_cache_clusters         = var.redis.nodes
  port                       = 6379
  subnet_group_name          = aws_elasticache_subnet_group.this.name
  security_group_ids         = [aws_security_group.redis.id]
  automatic_failover_enabled = var.redis.nodes > 1
  multi_az_enabled           = var.redis.nodes > 1

  transit_encryption_enabled = true
  transit_encryption_mode    = "required"
  auth_token                 = data.aws_secretsmanager_random_password.redis.random_password
  at_rest_encryption_enabled = true
  kms_key_id                 = local.kms_key_arn

  snapshot_retention_limit   = 1
  auto_minor_version_upgrade = true
  apply_immediately          = false
  tags                       = local.tags

  lifecycle {
    # A new random password on every plan would replace the token; rotate it on purpose
    # (README, Operations).
    ignore_changes = [auth_token]
  }
}

################################################################################
# Secrets: the Redis AUTH token (set here), and the keys the operator puts in before the
# first deploy (README, Operations): the JWT keys, the secrets key, the audit keys
################################################################################

resource "aws_secretsmanager_secret" "this" {
  #checkov:skip=CKV2_AWS_57:The keys are rotated by hand without downtime (several keys, one signing), not by a Lambda; see the README's runbook.
  for_each = toset(["redis-auth", "jwt-keys", "secrets-key", "audit-keys"])

  name                    = "${var.name}/${each.key}"
  description             = "${var.name}: ${each.key}"
  kms_key_id              = local.kms_key_arn
  recovery_window_in_days = 30
  tags                    = local.tags
}

resource "aws_secretsmanager_secret_version" "redis_auth" {
  secret_id     = aws_secretsmanager_secret.this["redis-auth"].id
  secret_string = data.aws_secretsmanager_random_password.redis.random_password

  lifecycle {
    ignore_changes = [secret_string]
  }
}

################################################################################
# Logs
################################################################################

resource "aws_cloudwatch_log_group" "this" {
  for_each = toset(["api", "worker", "migrate"])

  name              = "/ecs/${var.name}/${each.key}"
  retention_in_days = var.log_retention_days
  kms_key_id        = local.kms_key_arn
  tags              = local.tags
}

################################################################################
# IAM: the execution role pulls the image, writes the logs and reads exactly these
# secrets; the tasks' own role holds nothing (Sluice calls no AWS API)
################################################################################

resource "aws_iam_role" "execution" {
  name = "${var.name}-execution"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
  tags = local.tags
}

resource "aws_iam_role_policy_attachment" "execution" {
  role       = aws_iam_role.execution.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

resource "aws_iam_role_policy" "execution_secrets" {
  role = aws_iam_role.execution.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["secretsmanager:GetSecretValue"]
        Resource = concat([for secret in aws_secretsmanager_secret.this : secret.arn], [aws_db_instance.this.master_user_secret[0].secret_arn])
      },
      {
        Effect   = "Allow"
        Action   = ["kms:Decrypt"]
        Resource = [local.kms_key_arn]
      },
    ]
  })
}

resource "aws_iam_role" "task" {
  name = "${var.name}-task"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
  tags = local.tags
}

################################################################################
# ECS: one cluster; the API (sluice serve, workers off) behind the load balancer, the
# workers (sluice worker) apart, each scaling on its own; the migration as a one-off task
################################################################################

locals {
  # What every container reads (README, Configuration): the database as separate settings
  # (RDS hands the password over as a secret), verified TLS to it and to Redis.
  common_environment = merge({
    SLUICE_DATABASE_HOST            = aws_db_instance.this.address
    SLUICE_DATABASE_PORT            = tostring(aws_db_instance.this.port)
    SLUICE_DATABASE_NAME            = aws_db_instance.this.db_name
    SLUICE_DATABASE_USER            = aws_db_instance.this.username
    SLUICE_DATABASE_SSLMODE         = "verify-full"
    SLUICE_DATABASE_CA_FILE         = "/opt/sluice/share/sluice/rds-global-bundle.pem"
    SLUICE_DATABASE_POOL_SIZE       = tostring(var.db.pool_size)
    SLUICE_REDIS_URL                = "rediss://${aws_elasticache_replication_group.this.primary_endpoint_address}:6379"
    SLUICE_LOG_FORMAT               = "json"
    SLUICE_MIGRATE_ON_START         = "false"
    SLUICE_SHUTDOWN_TIMEOUT_SECONDS = tostring(var.stop_timeout_seconds - 10)
  }, var.environment)

  secrets = {
    SLUICE_DATABASE_PASSWORD = "${aws_db_instance.this.master_user_secret[0].secret_arn}:password::"
    SLUICE_REDIS_PASSWORD    = aws_secretsmanager_secret.this["redis-auth"].arn
    SLUICE_JWT_KEYS          = aws_secretsmanager_secret.this["jwt-keys"].arn
    SLUICE_SECRETS_KEY       = aws_secretsmanager_secret.this["secrets-key"].arn
    SLUICE_AUDIT_KEYS        = aws_secretsmanager_secret.this["audit-keys"].arn
  }

  roles = {
    api = {
      command = ["serve"]
      cpu     = var.api.cpu
      memory  = var.api.memory
      environment = merge(local.common_environment, {
        SLUICE_LISTEN             = "0.0.0.0:${local.port}"
        SLUICE_WORKER_CONCURRENCY = "0"
        SLUICE_PULL_CONCURRENCY   = "0"
        SLUICE_ROLLUPS            = "false"
        # The load balancer's addresses are in the VPC: it tells the client's address.
        SLUICE_TRUSTED_PROXIES = local.vpc_cidr
      })
      secrets = local.secrets
    }
    worker = {
      command = ["worker"]
      cpu     = var.worker.cpu
      memory  = var.worker.memory
      environment = merge(local.common_environment, {
        SLUICE_WORKER_CONCURRENCY = tostring(var.worker.concurrency)
      })
      secrets = local.secrets
    }
    migrate = {
      command     = ["migrate"]
      cpu         = 256
      memory      = 512
      environment = { for key, value in local.common_environment : key => value if startswith(key, "SLUICE_DATABASE_") || key == "SLUICE_LOG_FORMAT" }
      secrets     = { SLUICE_DATABASE_PASSWORD = local.secrets.SLUICE_DATABASE_PASSWORD }
    }
  }
}

resource "aws_ecs_cluster" "this" {
  name = var.name

  setting {
    name  = "containerInsights"
    value = "enabled"
  }
  tags = local.tags
}

resource "aws_ecs_task_definition" "this" {
  for_each = local.roles

  family                   = "${var.name}-${each.key}"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = each.value.cpu
  memory                   = each.value.memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }

  container_definitions = jsonencode([{
    name                   = "sluice"
    image                  = var.image
    command                = each.value.command
    essential              = true
    readonlyRootFilesystem = true
    user                   = "10001:10001"
    stopTimeout            = var.stop_timeout_seconds
    portMappings           = each.key == "api" ? [{ containerPort = local.port, protocol = "tcp" }] : []
    environment            = [for key in sort(keys(each.value.environment)) : { name = key, value = each.value.environment[key] }]
    secrets                = [for key in sort(keys(each.value.secrets)) : { name = key, valueFrom = each.value.secrets[key] }]
    # Liveness: the process answers (GET /healthz); readiness is the load balancer's /readyz.
    healthCheck = each.key == "api" ? {
      command     = ["CMD", "curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:${local.port}/healthz"]
      interval    = 15
      timeout     = 3
      retries     = 3
      startPeriod = 30
    } : null
    linuxParameters = { initProcessEnabled = true }
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.this[each.key].name
        awslogs-region        = data.aws_region.current.name
        awslogs-stream-prefix = each.key
      }
    }
  }])
  tags = local.tags
}

resource "aws_ecs_service" "this" {
  for_each = { api = var.api, worker = var.worker }

  name                               = "${var.name}-${each.key}"
  cluster                            = aws_ecs_cluster.this.id
  task_definition                    = aws_ecs_task_definition.this[each.key].arn
  desired_count                      = each.value.min_count
  launch_type                        = "FARGATE"
  platform_version                   = "LATEST"
  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  health_check_grace_period_seconds  = each.key == "api" ? 60 : null
  enable_execute_command             = false
  propagate_tags                     = "SERVICE"

  network_configuration {
    subnets          = local.private_subnet_ids
    security_groups  = [each.key == "api" ? aws_security_group.api.id : aws_security_group.worker.id]
    assign_public_ip = false
  }

  dynamic "load_balancer" {
    for_each = each.key == "api" ? [1] : []
    content {
      target_group_arn = aws_lb_target_group.api.arn
      container_name   = "sluice"
      container_port   = local.port
    }
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  # Autoscaling owns the count after the first deploy.
  lifecycle {
    ignore_changes = [desired_count]
  }
  depends_on = [aws_lb_listener.https]
  tags       = local.tags
}

resource "aws_appautoscaling_target" "this" {
  for_each = { api = var.api, worker = var.worker }

  service_namespace  = "ecs"
  resource_id        = "service/${aws_ecs_cluster.this.name}/${aws_ecs_service.this[each.key].name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = each.value.min_count
  max_capacity       = each.value.max_count
}

resource "aws_appautoscaling_policy" "cpu" {
  for_each = { api = var.api, worker = var.worker }

  name               = "${var.name}-${each.key}-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this[each.key].service_namespace
  resource_id        = aws_appautoscaling_target.this[each.key].resource_id
  scalable_dimension = aws_appautoscaling_target.this[each.key].scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = each.value.cpu_target
    scale_in_cooldown  = 300
    scale_out_cooldown = 60
    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}

resource "aws_appautoscaling_policy" "requests" {
  name               = "${var.name}-api-requests"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this["api"].service_namespace
  resource_id        = aws_appautoscaling_target.this["api"].resource_id
  scalable_dimension = aws_appautoscaling_target.this["api"].scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.api.requests_per_target
    scale_in_cooldown  = 300
    scale_out_cooldown = 60
    predefined_metric_specification {
      predefined_metric_type = "ALBRequestCountPerTarget"
      resource_label         = "${aws_lb.this.arn_suffix}/${aws_lb_target_group.api.arn_suffix}"
    }
  }
}
