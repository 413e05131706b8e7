UPDATE usage u SET events = u.events + s.events
FROM (SELECT tenant_id, period, key_id, sum(events)::bigint AS events FROM usage_events GROUP BY 1, 2, 3) s
WHERE u.tenant_id = s.tenant_id AND u.period = s.period AND u.key_id = s.key_id;
INSERT INTO usage (tenant_id, period, key_id, events)
SELECT tenant_id, period, key_id, sum(events)::bigint FROM usage_events e
WHERE NOT EXISTS (SELECT 1 FROM usage u WHERE u.tenant_id = e.tenant_id AND u.period = e.period AND u.key_id = e.key_id)
GROUP BY 1, 2, 3;
DROP TABLE usage_events;
