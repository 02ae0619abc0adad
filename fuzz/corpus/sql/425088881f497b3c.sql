SELECT count(*) FROM nulls a JOIN nulls b ON a.n = b.n
