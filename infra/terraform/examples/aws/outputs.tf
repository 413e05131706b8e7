output "url" {
  description = "Where Sluice answers (its dashboard is at /dashboard)."
  value       = module.sluice.url
}

output "alb_dns_name" {
  description = "Point the certificate's DNS name here (an alias record)."
  value       = module.sluice.alb_dns_name
}

output "migrate_command" {
  description = "Run before the first deploy and before each upgrade."
  value       = module.sluice.migrate_command
}

output "secret_arns" {
  description = "Fill jwt-keys, secrets-key and audit-keys before the first deploy."
  value       = module.sluice.secret_arns
}
