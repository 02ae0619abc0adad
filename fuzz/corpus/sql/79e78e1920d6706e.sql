SELECT month(to_date(Date, 'M/d/yyyy')) AS m, year(to_date(Date, 'M/d/yyyy')) AS y, sum(Price * Quantity) AS revenue FROM sales GROUP BY 1, 2 ORDER BY y, m
