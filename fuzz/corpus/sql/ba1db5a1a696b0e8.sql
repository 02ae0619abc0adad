SELECT ProductNo, sum(Price * Quantity) AS revenue FROM sales GROUP BY ProductNo ORDER BY revenue DESC, ProductNo LIMIT 20
