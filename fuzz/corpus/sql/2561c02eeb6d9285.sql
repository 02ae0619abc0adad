SELECT CASE WHEN n > 0 THEN 'pos' WHEN NOT n > 0 THEN 'nonpos' ELSE 'unknown' END AS k, count(*) FROM nulls GROUP BY 1
