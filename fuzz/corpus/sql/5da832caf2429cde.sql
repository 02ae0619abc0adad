SELECT to_date(Date, 'M/d/yyyy') AS day, sum(Price * Quantity) AS revenue, count(DISTINCT TransactionNo) AS orders FROM sales GROUP BY 1 ORDER BY day LIMIT 40
