DROP TABLE IF EXISTS consumer_lag_samples;
