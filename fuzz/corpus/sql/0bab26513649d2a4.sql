SELECT dayofweek(to_date(Date, 'M/d/yyyy')) AS dow, count(*), sum(Quantity) FROM sales GROUP BY 1 ORDER BY 1
