SELECT as_boolean, count(*), avg(as_float) FROM nested GROUP BY as_boolean
