SELECT sum(n), count(*) FROM nulls WHERE id > 1000
