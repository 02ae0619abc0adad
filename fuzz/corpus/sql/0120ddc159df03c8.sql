SELECT count(*) FROM nulls WHERE 1 IN (2, NULL)
