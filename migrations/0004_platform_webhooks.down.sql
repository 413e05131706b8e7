DROP TABLE IF EXISTS platform_webhooks;
