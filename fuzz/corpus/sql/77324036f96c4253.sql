SELECT s, n, count(*) FROM nulls GROUP BY s, n
