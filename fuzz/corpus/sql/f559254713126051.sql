SELECT datediff(DATE '2020-01-01', dt), datediff(dt, DATE '1970-01-01'), datediff(DATE '2020-03-01', DATE '2020-02-01') FROM types
