SELECT CAST(Quantity AS STRING) AS q, count(*) FROM sales GROUP BY 1 HAVING count(*) > 50
