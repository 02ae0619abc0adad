SELECT p.Category, sum(g.Quantity * (g.Price - p.UnitCost)) AS margin, count(p.UnitCost) FROM sales g LEFT JOIN products p ON g.ProductNo = p.ProductNo GROUP BY p.Category
