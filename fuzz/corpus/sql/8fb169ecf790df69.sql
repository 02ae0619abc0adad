SELECT CAST(Price AS DECIMAL(10,2)) AS p, count(*) FROM sales GROUP BY 1 HAVING count(*) > 60
