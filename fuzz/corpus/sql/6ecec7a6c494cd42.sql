SELECT n + 1, d * 2, concat(s, 'x'), upper(s), length(s), dt = DATE '2020-01-01', -n FROM nulls WHERE id < 2
