SELECT p.Category, s.Country, sum(s.Quantity) AS q FROM sales s JOIN products p ON p.ProductNo = s.ProductNo JOIN countries c ON c.Country = s.Country GROUP BY 1, 2 ORDER BY q DESC, 1, 2 LIMIT 10
