SELECT count(*) FROM nulls WHERE n IN (1, 2) OR n NOT IN (1, 2)
