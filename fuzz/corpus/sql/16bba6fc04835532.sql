SELECT count(*) FROM products p LEFT JOIN sales s ON p.ProductNo = s.ProductNo WHERE s.ProductNo IS NULL
