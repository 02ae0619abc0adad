SELECT ProductNo, sum(Quantity) AS qty FROM sales WHERE Country = 'Norway' GROUP BY ProductNo ORDER BY qty DESC, ProductNo LIMIT 5
