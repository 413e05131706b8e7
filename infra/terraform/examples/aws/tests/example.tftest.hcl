# The example planned against a mocked AWS provider: its production switch reaches the module.

mock_provider "aws" {
  source = "../../modules/sluice/tests/mocks"
}

variables {
  image           = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/sluice:1.0.0"
  certificate_arn = "arn:aws:acm:eu-west-1:123456789012:certificate/abcd"
}

run "production" {
  command = apply

  variables {
    production = true
  }

  assert {
    condition     = module.sluice.services == { api = "sluice-api", worker = "sluice-worker" }
    error_message = "Both services exist."
  }
  assert {
    condition     = startswith(module.sluice.migrate_command, "aws ecs run-task") && strcontains(module.sluice.migrate_command, "sluice-migrate")
    error_message = "The migration command runs the migrate task."
  }
}
