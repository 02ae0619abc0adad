SELECT ProductNo, ProductName, sum(Quantity) AS qty FROM sales GROUP BY ProductNo, ProductName ORDER BY qty DESC, ProductNo, ProductName LIMIT 10
