SELECT to_date(Date, 'M/d/yyyy') AS day, sum(Price * Quantity) AS revenue FROM sales GROUP BY to_date(Date, 'M/d/yyyy') ORDER BY day
