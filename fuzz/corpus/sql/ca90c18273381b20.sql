WITH top AS (SELECT ProductNo, sum(Quantity) AS q FROM sales GROUP BY ProductNo) SELECT p.Category, max(t.q) FROM top t JOIN products p ON t.ProductNo = p.ProductNo GROUP BY p.Category
