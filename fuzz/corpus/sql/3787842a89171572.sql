SELECT coalesce(NULL, NULL, 3), coalesce(CustomerNo, -1) AS c, count(*) FROM sales GROUP BY 2 HAVING count(*) > 300
