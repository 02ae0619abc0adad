SELECT ProductName, sum(Quantity) AS qty FROM sales GROUP BY ProductName ORDER BY qty DESC, ProductName LIMIT 20
