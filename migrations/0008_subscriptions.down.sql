DROP TABLE IF EXISTS deliveries;
DROP TABLE IF EXISTS delivery_leases;
DROP TABLE IF EXISTS delivery_workers;
DROP TABLE IF EXISTS subscriptions;
