# The AWS provider's mocked answers, shared by the module's and the example's tests: ARNs,
# addresses and the RDS-managed secret shaped as AWS makes them (the provider checks ARNs).

mock_data "aws_availability_zones" {
  defaults = { names = ["eu-west-1a", "eu-west-1b", "eu-west-1c"] }
}
mock_data "aws_region" {
  defaults = { name = "eu-west-1" }
}
mock_data "aws_caller_identity" {
  defaults = { account_id = "123456789012" }
}
mock_data "aws_partition" {
  defaults = { partition = "aws" }
}
mock_data "aws_vpc" {
  defaults = { cidr_block = "172.31.0.0/16" }
}
mock_data "aws_secretsmanager_random_password" {
  defaults = { random_password = "mockedredisauthtokenmockedredisauthtokenmockedredisauthtoken1234" }
}
mock_resource "aws_kms_key" {
  defaults = { arn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555" }
}
mock_resource "aws_db_instance" {
  defaults = {
    address            = "sluice.abcdefgh.eu-west-1.rds.amazonaws.com"
    port               = 5432
    master_user_secret = [{ secret_arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1234-abcdef", kms_key_id = "k", secret_status = "active" }]
  }
}
mock_resource "aws_elasticache_replication_group" {
  defaults = { primary_endpoint_address = "master.sluice.abcdef.euw1.cache.amazonaws.com" }
}
mock_resource "aws_secretsmanager_secret" {
  defaults = { arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:sluice/mock-abcdef" }
}
mock_resource "aws_iam_role" {
  defaults = { arn = "arn:aws:iam::123456789012:role/mock" }
}
mock_resource "aws_cloudwatch_log_group" {
  defaults = { arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/sluice/mock" }
}
mock_resource "aws_lb" {
  defaults = { arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/sluice/1", arn_suffix = "app/sluice/1", dns_name = "sluice-1.eu-west-1.elb.amazonaws.com" }
}
mock_resource "aws_lb_target_group" {
  defaults = { arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/sluice-api/1", arn_suffix = "targetgroup/sluice-api/1" }
}
mock_resource "aws_ecs_task_definition" {
  defaults = { arn = "arn:aws:ecs:eu-west-1:123456789012:task-definition/sluice:1" }
}
