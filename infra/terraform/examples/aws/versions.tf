terraform {
  required_version = ">= 1.7.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100.0, < 6.0.0"
    }
  }

  # Keep the state remote and encrypted: it holds the Redis AUTH token. For example:
  # backend "s3" {
  #   bucket       = "my-terraform-state"
  #   key          = "sluice/production.tfstate"
  #   region       = "eu-west-1"
  #   encrypt      = true
  #   use_lockfile = true
  # }
}
