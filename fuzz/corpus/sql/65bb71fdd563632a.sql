SELECT ProductName LIKE '%\_%' AS has_underscore, count(*) FROM sales GROUP BY 1
