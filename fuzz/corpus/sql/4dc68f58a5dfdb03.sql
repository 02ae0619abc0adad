SELECT substr(ProductName, 1, 10) AS p, count(*) FROM sales GROUP BY 1 HAVING count(*) > 15
