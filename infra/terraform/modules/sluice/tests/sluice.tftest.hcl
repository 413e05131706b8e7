# The module planned and applied against a mocked AWS provider (no network, no account):
# what must hold whatever the inputs. terraform test (scripts/infra-tests.sh).

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  image           = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/sluice:1.0.0"
  certificate_arn = "arn:aws:acm:eu-west-1:123456789012:certificate/abcd"
}

run "a_new_vpc" {
  command = apply

  # Nothing is public but the load balancer.
  assert {
    condition     = aws_lb.this.internal == false && length(aws_lb.this.subnets) == 2
    error_message = "The load balancer is internet-facing, in the public subnets."
  }
  assert {
    condition     = alltrue([for rule in aws_vpc_security_group_ingress_rule.alb : rule.security_group_id == aws_security_group.alb.id && contains([80, 443], rule.from_port)])
    error_message = "Only the load balancer's group admits addresses, on 80 and 443."
  }
  assert {
    condition = (
      aws_vpc_security_group_ingress_rule.api_from_alb.referenced_security_group_id == aws_security_group.alb.id
      && aws_vpc_security_group_ingress_rule.api_from_alb.cidr_ipv4 == null
    )
    error_message = "The API tasks admit the load balancer only."
  }
  assert {
    condition = length(aws_vpc_security_group_ingress_rule.stores) == 4 && alltrue([
      for rule in aws_vpc_security_group_ingress_rule.stores :
      rule.cidr_ipv4 == null && contains([aws_security_group.api.id, aws_security_group.worker.id], rule.referenced_security_group_id)
      && contains([aws_security_group.db.id, aws_security_group.redis.id], rule.security_group_id)
    ])
    error_message = "The database and Redis admit the tasks only."
  }
  assert {
    condition     = aws_db_instance.this.publicly_accessible == false
    error_message = "The database is not public."
  }
  assert {
    condition     = alltrue([for service in aws_ecs_service.this : service.network_configuration[0].assign_public_ip == false])
    error_message = "No task has a public address."
  }
  assert {
    condition     = toset(aws_ecs_service.this["api"].network_configuration[0].subnets) == toset(aws_subnet.private[*].id)
    error_message = "The tasks run in the private subnets."
  }

  # Encryption everywhere.
  assert {
    condition     = aws_db_instance.this.storage_encrypted && aws_db_instance.this.manage_master_user_password
    error_message = "The database is encrypted at rest and its password is RDS-managed."
  }
  assert {
    condition = (
      aws_elasticache_replication_group.this.transit_encryption_enabled
      && aws_elasticache_replication_group.this.at_rest_encryption_enabled
      && aws_elasticache_replication_group.this.auth_token != null
    )
    error_message = "Redis is encrypted in transit and at rest, with AUTH."
  }
  assert {
    condition     = alltrue([for group in aws_cloudwatch_log_group.this : group.kms_key_id != null]) && alltrue([for secret in aws_secretsmanager_secret.this : secret.kms_key_id != null])
    error_message = "Logs and secrets are encrypted with the module's key."
  }
  assert {
    condition     = one([for p in aws_db_parameter_group.this.parameter : p.value if p.name == "rds.force_ssl"]) == "1"
    error_message = "The database refuses connections without TLS."
  }

  # HTTP redirects to HTTPS.
  assert {
    condition = (
      aws_lb_listener.http.default_action[0].type == "redirect"
      && aws_lb_listener.http.default_action[0].redirect[0].protocol == "HTTPS"
      && aws_lb_listener.https.protocol == "HTTPS"
    )
    error_message = "Port 80 redirects to HTTPS; 443 is HTTPS."
  }

  # The tasks run what they should, with exactly what the app reads.
  assert {
    condition = (
      jsondecode(aws_ecs_task_definition.this["api"].container_definitions)[0].command == ["serve"]
      && jsondecode(aws_ecs_task_definition.this["worker"].container_definitions)[0].command == ["worker"]
      && jsondecode(aws_ecs_task_definition.this["migrate"].container_definitions)[0].command == ["migrate"]
    )
    error_message = "The API serves, the workers work, the migration task runs sluice migrate."
  }
  assert {
    condition = [for item in jsondecode(aws_ecs_task_definition.this["api"].container_definitions)[0].environment : item.name] == [
      "SLUICE_DATABASE_CA_FILE", "SLUICE_DATABASE_HOST", "SLUICE_DATABASE_NAME", "SLUICE_DATABASE_POOL_SIZE", "SLUICE_DATABASE_PORT",
      "SLUICE_DATABASE_SSLMODE", "SLUICE_DATABASE_USER", "SLUICE_LISTEN", "SLUICE_LOG_FORMAT", "SLUICE_MIGRATE_ON_START",
      "SLUICE_PULL_CONCURRENCY", "SLUICE_REDIS_URL", "SLUICE_ROLLUPS", "SLUICE_SHUTDOWN_TIMEOUT_SECONDS", "SLUICE_TRUSTED_PROXIES",
      "SLUICE_WORKER_CONCURRENCY",
    ]
    error_message = "The API task's environment is exactly the settings it needs."
  }
  assert {
    condition = [for item in jsondecode(aws_ecs_task_definition.this["api"].container_definitions)[0].secrets : item.name] == [
      "SLUICE_AUDIT_KEYS", "SLUICE_DATABASE_PASSWORD", "SLUICE_JWT_KEYS", "SLUICE_REDIS_PASSWORD", "SLUICE_SECRETS_KEY",
    ]
    error_message = "The API task's secrets come from Secrets Manager: the keys and both passwords."
  }
  assert {
    condition = (
      { for item in jsondecode(aws_ecs_task_definition.this["api"].container_definitions)[0].environment : item.name => item.value }["SLUICE_WORKER_CONCURRENCY"] == "0"
      && { for item in jsondecode(aws_ecs_task_definition.this["api"].container_definitions)[0].environment : item.name => item.value }["SLUICE_ROLLUPS"] == "false"
      && { for item in jsondecode(aws_ecs_task_definition.this["worker"].container_definitions)[0].environment : item.name => item.value }["SLUICE_WORKER_CONCURRENCY"] == "16"
    )
    error_message = "The API runs no workers; the workers do."
  }
  assert {
    condition = (
      { for item in jsondecode(aws_ecs_task_definition.this["api"].container_definitions)[0].environment : item.name => item.value }["SLUICE_DATABASE_SSLMODE"] == "verify-full"
      && startswith({ for item in jsondecode(aws_ecs_task_definition.this["api"].container_definitions)[0].environment : item.name => item.value }["SLUICE_REDIS_URL"], "rediss://")
      && { for item in jsondecode(aws_ecs_task_definition.this["api"].container_definitions)[0].secrets : item.name => item.valueFrom }["SLUICE_DATABASE_PASSWORD"] == "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1234-abcdef:password::"
    )
    error_message = "TLS is verified to the database and used to Redis; the password is the RDS-managed secret's."
  }
  assert {
    condition     = [for item in jsondecode(aws_ecs_task_definition.this["migrate"].container_definitions)[0].secrets : item.name] == ["SLUICE_DATABASE_PASSWORD"]
    error_message = "The migration task holds the database password only."
  }
  assert {
    condition     = alltrue([for role, definition in aws_ecs_task_definition.this : jsondecode(definition.container_definitions)[0].readonlyRootFilesystem && jsondecode(definition.container_definitions)[0].user == "10001:10001"])
    error_message = "Containers run as the image's unprivileged user on a read-only root."
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.this["api"].container_definitions)[0].stopTimeout == 60 && { for item in jsondecode(aws_ecs_task_definition.this["api"].container_definitions)[0].environment : item.name => item.value }["SLUICE_SHUTDOWN_TIMEOUT_SECONDS"] == "50"
    error_message = "Sluice drains within ECS's stop timeout."
  }
  assert {
    condition     = aws_lb_target_group.api.health_check[0].path == "/readyz"
    error_message = "The load balancer routes to ready tasks."
  }
  assert {
    condition     = aws_appautoscaling_target.this["api"].min_capacity == 2 && aws_appautoscaling_target.this["worker"].max_capacity == 6
    error_message = "The API and the workers scale apart."
  }
  assert {
    condition     = length(aws_vpc.this) == 1 && length(aws_subnet.private) == 2 && length(aws_nat_gateway.this) == 1
    error_message = "Without a VPC given, one is made."
  }
}

run "an_existing_vpc_and_production_settings" {
  command = apply

  variables {
    vpc_id             = "vpc-0123456789abcdef0"
    public_subnet_ids  = ["subnet-pub-a", "subnet-pub-b"]
    private_subnet_ids = ["subnet-priv-a", "subnet-priv-b"]
    db                 = { multi_az = true, instance_class = "db.r6g.large" }
    worker             = { concurrency = 64, max_count = 12 }
    environment        = { SLUICE_DEFAULT_PLAN = "pro" }
  }

  assert {
    condition     = length(aws_vpc.this) == 0 && length(aws_nat_gateway.this) == 0
    error_message = "A given VPC is used, none made."
  }
  assert {
    condition     = toset(aws_db_subnet_group.this.subnet_ids) == toset(["subnet-priv-a", "subnet-priv-b"]) && toset(aws_lb.this.subnets) == toset(["subnet-pub-a", "subnet-pub-b"])
    error_message = "The database in the private subnets, the load balancer in the public ones."
  }
  assert {
    condition     = aws_db_instance.this.multi_az
    error_message = "Multi-AZ on request."
  }
  assert {
    condition = (
      { for item in jsondecode(aws_ecs_task_definition.this["worker"].container_definitions)[0].environment : item.name => item.value }["SLUICE_WORKER_CONCURRENCY"] == "64"
      && { for item in jsondecode(aws_ecs_task_definition.this["api"].container_definitions)[0].environment : item.name => item.value }["SLUICE_DEFAULT_PLAN"] == "pro"
      && { for item in jsondecode(aws_ecs_task_definition.this["api"].container_definitions)[0].environment : item.name => item.value }["SLUICE_TRUSTED_PROXIES"] == "172.31.0.0/16"
    )
    error_message = "Settings reach the tasks; the given VPC's block is the trusted proxies'."
  }
}

run "refused_inputs" {
  command = plan

  variables {
    image       = "sluice:latest"
    environment = { SLUICE_JWT_KEYS = "k:c2VjcmV0" }
  }

  expect_failures = [var.image, var.environment]
}
