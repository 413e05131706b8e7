variable "region" {
  description = "The AWS region."
  type        = string
  default     = "eu-west-1"
}

variable "name" {
  description = "Name prefix of every resource."
  type        = string
  default     = "sluice"
}

variable "image" {
  description = "The Sluice image, by tag or digest (build it from the repository's Dockerfile and push it to ECR)."
  type        = string
}

variable "certificate_arn" {
  description = "The ACM certificate for the HTTPS listener (of the name users will open)."
  type        = string
}

variable "production" {
  description = "A Multi-AZ database, larger instances, more tasks."
  type        = bool
  default     = false
}
