SELECT avg(d), sum(d) FROM types WHERE id IN (1, 4, 6)
