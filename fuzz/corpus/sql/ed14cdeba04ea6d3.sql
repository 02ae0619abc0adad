SELECT p.Category, count(*), sum(s.Quantity) FROM sales s INNER JOIN products p ON s.ProductNo = p.ProductNo GROUP BY p.Category
