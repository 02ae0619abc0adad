SELECT count(*), count(s), count(d), count(n), count(DISTINCT n), sum(n), avg(d), min(s), max(dt), sum(dec) FROM nulls
