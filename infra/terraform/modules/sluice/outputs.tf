output "url" {
  description = "The load balancer's HTTPS address (point a DNS name of the certificate at alb_dns_name)."
  value       = "https://${aws_lb.this.dns_name}"
}

output "alb_dns_name" {
  description = "The load balancer's DNS name, for an alias record."
  value       = aws_lb.this.dns_name
}

output "alb_arn" {
  description = "The load balancer's ARN (e.g. to attach a WAF)."
  value       = aws_lb.this.arn
}

output "cluster_name" {
  description = "The ECS cluster."
  value       = aws_ecs_cluster.this.name
}

output "services" {
  description = "The ECS services by role (api, worker)."
  value       = { for role, service in aws_ecs_service.this : role => service.name }
}

output "task_definitions" {
  description = "The task definitions' ARNs by role (api, worker, migrate)."
  value       = { for role, definition in aws_ecs_task_definition.this : role => definition.arn }
}

output "migrate_command" {
  description = "Runs the migrations once (before the first deploy and before each upgrade): an aws CLI command."
  value = join(" ", [
    "aws ecs run-task --cluster ${aws_ecs_cluster.this.name} --launch-type FARGATE",
    "--task-definition ${aws_ecs_task_definition.this["migrate"].family}",
    "--network-configuration 'awsvpcConfiguration={subnets=[${join(",", local.private_subnet_ids)}],securityGroups=[${aws_security_group.worker.id}],assignPublicIp=DISABLED}'",
  ])
}

output "database_endpoint" {
  description = "PostgreSQL's address (private)."
  value       = aws_db_instance.this.address
}

output "database_secret_arn" {
  description = "The RDS-managed secret holding the database's master password."
  value       = aws_db_instance.this.master_user_secret[0].secret_arn
}

output "redis_endpoint" {
  description = "Redis's primary address (private, TLS)."
  value       = aws_elasticache_replication_group.this.primary_endpoint_address
}

output "secret_arns" {
  description = "The Secrets Manager secrets the operator fills before the first deploy (jwt-keys, secrets-key, audit-keys) and the Redis AUTH token."
  value       = { for key, secret in aws_secretsmanager_secret.this : key => secret.arn }
}

output "security_group_ids" {
  description = "The security groups by part (alb, api, worker, db, redis)."
  value = {
    alb    = aws_security_group.alb.id
    api    = aws_security_group.api.id
    worker = aws_security_group.worker.id
    db     = aws_security_group.db.id
    redis  = aws_security_group.redis.id
  }
}

output "vpc_id" {
  description = "The VPC (given or made)."
  value       = local.vpc_id
}
