SELECT CAST(Price AS INT) AS p, count(*) FROM sales GROUP BY 1
