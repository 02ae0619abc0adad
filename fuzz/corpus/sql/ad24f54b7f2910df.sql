SELECT grp, count(*), count(n), sum(d), max(b) FROM nulls GROUP BY grp
