SELECT count(*) FROM nulls WHERE NOT (n = 1)
