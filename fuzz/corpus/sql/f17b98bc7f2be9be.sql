SELECT p.Category, count(*), sum(g.Price * g.Quantity) FROM sales g JOIN products p ON g.ProductNo = p.ProductNo GROUP BY p.Category
