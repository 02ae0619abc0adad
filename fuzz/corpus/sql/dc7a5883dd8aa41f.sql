SELECT n, count(*) FROM nulls GROUP BY n
