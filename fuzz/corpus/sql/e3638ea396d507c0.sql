SELECT count(*), min(time), max(part) FROM nested WHERE time > TIMESTAMP '2000-01-01 00:00:00'
